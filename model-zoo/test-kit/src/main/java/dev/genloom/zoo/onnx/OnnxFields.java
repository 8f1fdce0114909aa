package dev.genloom.zoo.onnx;

/**
 * Field numbers of the ONNX protobuf messages, as fixed by the ONNX specification
 * ({@code onnx.proto3}). Only the fields this package writes are listed.
 */
final class OnnxFields {

    private OnnxFields() {
    }

    /** {@code ModelProto}. */
    static final class Model {
        static final int IR_VERSION = 1;
        static final int PRODUCER_NAME = 2;
        static final int PRODUCER_VERSION = 3;
        static final int DOMAIN = 4;
        static final int MODEL_VERSION = 5;
        static final int DOC_STRING = 6;
        static final int GRAPH = 7;
        static final int OPSET_IMPORT = 8;
        static final int METADATA_PROPS = 14;

        private Model() {
        }
    }

    /** {@code StringStringEntryProto}. */
    static final class StringStringEntry {
        static final int KEY = 1;
        static final int VALUE = 2;

        private StringStringEntry() {
        }
    }

    /** {@code OperatorSetIdProto}. */
    static final class OperatorSetId {
        static final int DOMAIN = 1;
        static final int VERSION = 2;

        private OperatorSetId() {
        }
    }

    /** {@code GraphProto}. */
    static final class Graph {
        static final int NODE = 1;
        static final int NAME = 2;
        static final int INITIALIZER = 5;
        static final int DOC_STRING = 10;
        static final int INPUT = 11;
        static final int OUTPUT = 12;
        static final int VALUE_INFO = 13;

        private Graph() {
        }
    }

    /** {@code NodeProto}. */
    static final class Node {
        static final int INPUT = 1;
        static final int OUTPUT = 2;
        static final int NAME = 3;
        static final int OP_TYPE = 4;
        static final int ATTRIBUTE = 5;
        static final int DOC_STRING = 6;
        static final int DOMAIN = 7;

        private Node() {
        }
    }

    /** {@code AttributeProto}. */
    static final class Attribute {
        static final int NAME = 1;
        static final int F = 2;
        static final int I = 3;
        static final int S = 4;
        static final int T = 5;
        static final int G = 6;
        static final int FLOATS = 7;
        static final int INTS = 8;
        static final int STRINGS = 9;
        static final int DOC_STRING = 13;
        static final int TYPE = 20;

        private Attribute() {
        }
    }

    /** {@code TensorProto}. */
    static final class Tensor {
        static final int DIMS = 1;
        static final int DATA_TYPE = 2;
        static final int STRING_DATA = 6;
        static final int NAME = 8;
        static final int RAW_DATA = 9;
        static final int DOC_STRING = 12;
        static final int EXTERNAL_DATA = 13;
        static final int DATA_LOCATION = 14;
        /** {@code DataLocation.EXTERNAL}. */
        static final int LOCATION_EXTERNAL = 1;

        private Tensor() {
        }
    }

    /** {@code ValueInfoProto}. */
    static final class ValueInfo {
        static final int NAME = 1;
        static final int TYPE = 2;
        static final int DOC_STRING = 3;

        private ValueInfo() {
        }
    }

    /** {@code TypeProto}. */
    static final class Type {
        static final int TENSOR_TYPE = 1;

        private Type() {
        }
    }

    /** {@code TypeProto.Tensor}. */
    static final class TensorType {
        static final int ELEM_TYPE = 1;
        static final int SHAPE = 2;

        private TensorType() {
        }
    }

    /** {@code TensorShapeProto}. */
    static final class TensorShape {
        static final int DIM = 1;

        private TensorShape() {
        }
    }

    /** {@code TensorShapeProto.Dimension}. */
    static final class Dimension {
        static final int DIM_VALUE = 1;
        static final int DIM_PARAM = 2;

        private Dimension() {
        }
    }
}
