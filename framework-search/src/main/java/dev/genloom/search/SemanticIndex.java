package dev.genloom.search;

import dev.genloom.api.Embedding;
import dev.genloom.api.EmbeddingOptions;
import dev.genloom.api.ErrorKind;
import dev.genloom.api.GenloomException;
import dev.genloom.api.TextEmbedder;
import dev.genloom.api.io.UserFiles;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A semantic search index in a folder: the passages of text files, each stored with its text,
 * source file and position, and its vector (embedded as a passage, unit length) in Lucene's HNSW
 * vector field, searched by dot product (cosine). The model's name and the vectors' dimension
 * are kept in the index's commit, so that an index is only added to, and searched, with the
 * model it was built with.
 *
 * <pre>{@code
 * SemanticIndex index = SemanticIndex.at(Path.of("notes-index"));
 * TextEmbedder model = genloom.model("all-minilm-l6-v2-q", TextEmbedder.class);
 * index.add("all-minilm-l6-v2-q", model, List.of(Path.of("notes")), new PassageSplitter());
 * for (SearchHit hit : index.search("all-minilm-l6-v2-q", model, "where did I park", 5)) {
 *     System.out.println(hit.score() + " " + hit.source() + " " + hit.text());
 * }
 * }</pre>
 *
 * <p>Adding a file that is indexed already replaces its passages (all at once, or not at all);
 * a file whose content has not changed since is not embedded again. Each {@link #add} is one
 * commit: where anything fails (a file that cannot be read, the model), the index stays as it was.
 * One process adds at a time (Lucene's {@code write.lock}); searches run beside it on the last
 * commit.
 */
public final class SemanticIndex {
    static final String MODEL_KEY = "genloom.model";
    static final String DIMENSION_KEY = "genloom.dimension";
    static final String FORMAT_KEY = "genloom.index-format";
    static final String FORMAT = "1";
    static final String SOURCE = "source";
    static final String TEXT = "text";
    static final String POSITION = "position";
    static final String OFFSET = "offset";
    static final String DIGEST = "digest";
    static final String VECTOR = "vector";
    /** The text files a folder is searched for; a file named directly is read whatever its name. */
    public static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "text", "md", "markdown", "rst", "adoc", "org");
    /** The largest text file read. */
    public static final long MAX_FILE_BYTES = 64L << 20;
    private static final String LOCK = IndexWriter.WRITE_LOCK_NAME;
    private static final int EMBED_CHUNK = 64;
    /** The most dimensions Lucene's default codec indexes (1024 in Lucene 9). */
    private static final int MAX_DIMENSIONS = Codec.getDefault().knnVectorsFormat().getMaxDimensions(VECTOR);

    private final Path folder;

    private SemanticIndex(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /** The index in {@code folder} (nothing is read or written until it is used). */
    public static SemanticIndex at(Path folder) {
        if (folder == null) {
            throw GenloomException.invalidInput("no index folder given");
        }
        return new SemanticIndex(folder);
    }

    /** The index's folder. */
    public Path folder() {
        return folder;
    }

    /**
     * What the index holds.
     *
     * @throws GenloomException {@code INVALID_INPUT} where the folder does not exist or holds no
     *                          Genloom index
     */
    public IndexInfo info() {
        requireIndex();
        try (Directory dir = FSDirectory.open(folder); DirectoryReader reader = DirectoryReader.open(dir)) {
            Map<String, String> data = reader.getIndexCommit().getUserData();
            return new IndexInfo(data.get(MODEL_KEY), Integer.parseInt(data.get(DIMENSION_KEY)), reader.numDocs(),
                    sources(reader));
        } catch (IOException e) {
            throw io("read", e);
        }
    }

    /**
     * Refuses, before any model is loaded, a folder {@link #add} would refuse: one that is not an
     * index, or an index built with another model. A missing or empty folder is fine.
     *
     * @throws GenloomException {@code INVALID_INPUT} saying why
     */
    public void checkAddable(String modelName) {
        Map<String, String> existing = existingCommit();
        if (existing != null) {
            requireModel(existing, modelName);
        }
    }

    /**
     * Refuses, before any model is loaded, what {@link #search} would refuse for the model: a
     * folder that is not an index, an index built with another model.
     *
     * @throws GenloomException {@code INVALID_INPUT} saying why
     */
    public void checkSearchable(String modelName) {
        requireIndex();
        try (Directory dir = FSDirectory.open(folder)) {
            requireModel(genloomCommit(dir), modelName);
        } catch (IOException e) {
            throw io("read", e);
        }
    }

    /**
     * Embeds the passages of text files and stores them, replacing those of files indexed before.
     *
     * @param modelName the model's name, kept in the index (an index built with another is refused)
     * @param model     the model to embed with
     * @param paths     text files, and folders searched for text files ({@link #TEXT_EXTENSIONS})
     * @param splitter  how files become passages
     * @return what was done
     * @throws GenloomException {@code INVALID_INPUT} for a folder that is not an index, an index of
     *                          another model, one locked by another process, files that cannot be read;
     *                          the index is then as it was
     */
    public IndexReport add(String modelName, TextEmbedder model, List<Path> paths, PassageSplitter splitter) {
        if (modelName == null || modelName.isBlank()) {
            throw GenloomException.invalidInput("no model name given for the index");
        }
        List<Path> files = textFiles(paths);
        Map<String, String> existing = existingCommit();
        if (existing != null) {
            requireModel(existing, modelName);
        }
        boolean created = !Files.exists(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw io("create", e);
        }
        try (Directory dir = FSDirectory.open(folder)) {
            IndexWriter writer;
            try {
                writer = new IndexWriter(dir, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                        .setCommitOnClose(false));
            } catch (LockObtainFailedException e) {
                throw new GenloomException(ErrorKind.INVALID_INPUT, "index " + folder + " is locked by another process "
                        + "(its " + LOCK + " is held)", "wait until the other genloom index is done, then run again", e);
            }
            try {
                IndexReport report = addFiles(writer, modelName, model, files, splitter,
                        existing == null ? -1 : Integer.parseInt(existing.get(DIMENSION_KEY)));
                writer.commit();
                writer.close();
                return report;
            } catch (RuntimeException | IOException | Error e) {
                writer.rollback();
                if (created) {
                    deleteQuietly();
                }
                throw e;
            }
        } catch (IOException e) {
            throw io("write", e);
        }
    }

    private IndexReport addFiles(IndexWriter writer, String modelName, TextEmbedder model, List<Path> files,
                                 PassageSplitter splitter, int dimension) throws IOException {
        List<IndexReport.FileReport> reports = new ArrayList<>();
        int dim = dimension;
        try (DirectoryReader reader = DirectoryReader.indexExists(writer.getDirectory())
                ? DirectoryReader.open(writer.getDirectory()) : null) {
            IndexSearcher searcher = reader == null ? null : new IndexSearcher(reader);
            for (Path file : files) {
                String text = UserFiles.readUtf8(file, "text file", MAX_FILE_BYTES,
                        "split it into smaller files, or index the folder that holds them");
                String digest = digest(text, splitter);
                String source = file.toString();
                List<Passage> passages = splitter.split(text);
                if (searcher != null && digest.equals(storedDigest(searcher, source))) {
                    reports.add(new IndexReport.FileReport(file, passages.size(), true));
                    continue;
                }
                List<Document> docs = new ArrayList<>(passages.size());
                for (int start = 0; start < passages.size(); start += EMBED_CHUNK) {
                    List<Passage> chunk = passages.subList(start, Math.min(passages.size(), start + EMBED_CHUNK));
                    List<Embedding> vectors = model.embedTexts(chunk.stream().map(Passage::text).toList(),
                            EmbeddingOptions.defaults().withKind(EmbeddingOptions.Kind.PASSAGE));
                    for (int i = 0; i < chunk.size(); i++) {
                        float[] v = vectors.get(i).normalized().vector();
                        dim = checkDimension(dim, v.length, modelName);
                        docs.add(document(source, chunk.get(i), digest, v));
                    }
                }
                if (docs.isEmpty()) {
                    writer.deleteDocuments(new Term(SOURCE, source));
                } else {
                    writer.updateDocuments(new Term(SOURCE, source), docs);
                }
                reports.add(new IndexReport.FileReport(file, passages.size(), false));
            }
        }
        if (dim < 0) {
            // nothing embedded yet: the model's dimension from one probe
            dim = checkDimension(dim, model.embedText("dimension").dimension(), modelName);
        }
        writer.setLiveCommitData(Map.of(MODEL_KEY, modelName, DIMENSION_KEY, Integer.toString(dim), FORMAT_KEY, FORMAT)
                .entrySet());
        writer.flush();
        int total;
        try (DirectoryReader after = DirectoryReader.open(writer)) {
            total = after.numDocs();
        }
        return new IndexReport(reports, total);
    }

    private int checkDimension(int expected, int actual, String modelName) {
        if (actual > MAX_DIMENSIONS) {
            throw GenloomException.unsupported("model " + modelName + " gives vectors of " + actual
                    + " dimensions; Lucene's vector field takes at most " + MAX_DIMENSIONS, null);
        }
        if (expected >= 0 && expected != actual) {
            throw GenloomException.invalidInput("index " + folder + " holds vectors of " + expected
                    + " dimensions, but model " + modelName + " gives " + actual, "index into another folder");
        }
        return actual;
    }

    private static Document document(String source, Passage p, String digest, float[] vector) {
        Document d = new Document();
        d.add(new StringField(SOURCE, source, Field.Store.YES));
        d.add(new StoredField(TEXT, p.text()));
        d.add(new StoredField(POSITION, p.position()));
        d.add(new StoredField(OFFSET, p.offset()));
        d.add(new StoredField(DIGEST, digest));
        d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        return d;
    }

    private static String storedDigest(IndexSearcher searcher, String source) throws IOException {
        TopDocs top = searcher.search(new TermQuery(new Term(SOURCE, source)), 1);
        if (top.scoreDocs.length == 0) {
            return null;
        }
        return searcher.storedFields().document(top.scoreDocs[0].doc).get(DIGEST);
    }

    /**
     * The {@code k} passages most like the query, best first; none for an index without passages.
     *
     * @param modelName the model's name: it must be the one the index was built with (null: not checked)
     * @param model     that model
     * @param query     what to look for
     * @param k         at most this many passages, at least 1
     * @throws GenloomException {@code INVALID_INPUT} for a blank query, {@code k < 1}, a folder that
     *                          is not an index, an index of another model
     */
    public List<SearchHit> search(String modelName, TextEmbedder model, String query, int k) {
        if (query == null || query.isBlank()) {
            throw GenloomException.invalidInput("the query is empty", "give some words to search for");
        }
        GenloomException.require(k >= 1, "the number of passages to find must be at least 1, got " + k);
        requireIndex();
        try (Directory dir = FSDirectory.open(folder); DirectoryReader reader = DirectoryReader.open(dir)) {
            Map<String, String> data = reader.getIndexCommit().getUserData();
            if (modelName != null) {
                requireModel(data, modelName);
            }
            if (reader.numDocs() == 0) {
                return List.of();
            }
            float[] q = model.embedText(query, EmbeddingOptions.defaults().withKind(EmbeddingOptions.Kind.QUERY))
                    .normalized().vector();
            int dim = Integer.parseInt(data.get(DIMENSION_KEY));
            if (q.length != dim) {
                throw GenloomException.invalidInput("index " + folder + " holds vectors of " + dim
                        + " dimensions, but the query's has " + q.length, "search with model " + data.get(MODEL_KEY));
            }
            IndexSearcher searcher = new IndexSearcher(reader);
            TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, q, k), k);
            StoredFields stored = searcher.storedFields();
            List<SearchHit> hits = new ArrayList<>();
            for (ScoreDoc sd : top.scoreDocs) {
                Document d = stored.document(sd.doc);
                // Lucene scores dot products of unit vectors as (1 + dot) / 2
                hits.add(new SearchHit(2.0 * sd.score - 1.0, Path.of(d.get(SOURCE)),
                        d.getField(POSITION).numericValue().intValue(), d.getField(OFFSET).numericValue().intValue(),
                        d.get(TEXT)));
            }
            return hits;
        } catch (IOException e) {
            throw io("read", e);
        }
    }

    // ---------------------------------------------------------------- the folder

    /** The commit data of the index, null where the folder is missing or empty; refuses a folder that is not an index. */
    private Map<String, String> existingCommit() {
        if (!Files.exists(folder)) {
            return null;
        }
        UserFiles.requireFolder(folder, "index folder", "give a folder for the index (created where missing)");
        try (Directory dir = FSDirectory.open(folder)) {
            if (!DirectoryReader.indexExists(dir)) {
                if (onlyLock()) {
                    return null;
                }
                throw notAnIndex("it holds files but no Lucene index");
            }
            return genloomCommit(dir);
        } catch (IOException e) {
            throw io("read", e);
        }
    }

    private void requireIndex() {
        if (!Files.exists(folder)) {
            throw GenloomException.invalidInput("there is no index at " + folder,
                    "build one first: genloom index --model MODEL --index " + folder + " FILE...");
        }
        UserFiles.requireFolder(folder, "index folder", null);
        try (Directory dir = FSDirectory.open(folder)) {
            if (!DirectoryReader.indexExists(dir)) {
                throw notAnIndex(onlyLock() ? "it holds no index yet" : "it holds files but no Lucene index");
            }
            genloomCommit(dir);
        } catch (IOException e) {
            throw io("read", e);
        }
    }

    private Map<String, String> genloomCommit(Directory dir) throws IOException {
        Map<String, String> data = SegmentInfos.readLatestCommit(dir).getUserData();
        if (data.get(MODEL_KEY) == null || data.get(DIMENSION_KEY) == null) {
            throw notAnIndex("it is a Lucene index that Genloom did not write (its commit names no model)");
        }
        return data;
    }

    private void requireModel(Map<String, String> data, String modelName) {
        String built = data.get(MODEL_KEY);
        if (!built.equals(modelName)) {
            throw GenloomException.invalidInput("index " + folder + " was built with model " + built
                    + ", not with model " + modelName, "use model " + built + " with this index, or give another "
                    + "--index folder for model " + modelName);
        }
    }

    private boolean onlyLock() {
        try (Stream<Path> s = Files.list(folder)) {
            return s.allMatch(p -> p.getFileName().toString().equals(LOCK));
        } catch (IOException e) {
            throw io("read", e);
        }
    }

    private GenloomException notAnIndex(String why) {
        return GenloomException.invalidInput(folder + " is not a Genloom search index: " + why,
                "give the folder genloom index wrote, or a new or empty folder to build one in");
    }

    private GenloomException io(String what, IOException e) {
        return new GenloomException(ErrorKind.IO, "cannot " + what + " index " + folder + ": " + e.getMessage(),
                "check the folder and the disk", e);
    }

    private void deleteQuietly() {
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // what remains is at most an empty folder or a lock file, which the next run accepts
        }
    }

    private static int sources(DirectoryReader reader) throws IOException {
        Terms terms = MultiTerms.getTerms(reader, SOURCE);
        if (terms == null) {
            return 0;
        }
        IndexSearcher searcher = new IndexSearcher(reader);
        int n = 0;
        TermsEnum te = terms.iterator();
        for (BytesRef t = te.next(); t != null; t = te.next()) {
            if (searcher.count(new TermQuery(new Term(SOURCE, BytesRef.deepCopyOf(t)))) > 0) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- input files

    /** The files named, and the text files under the folders named, each once, absolute. */
    static List<Path> textFiles(List<Path> paths) {
        if (paths == null || paths.isEmpty()) {
            throw GenloomException.invalidInput("no files to index", "name text files or folders that hold them");
        }
        Set<Path> out = new LinkedHashSet<>();
        for (Path p : paths) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(abs)) {
                    found = walk.filter(Files::isRegularFile).filter(SemanticIndex::isTextFile).sorted().toList();
                } catch (IOException e) {
                    throw UserFiles.unreadable(abs, "folder", e);
                }
                if (found.isEmpty()) {
                    throw GenloomException.invalidInput("folder " + p + " holds no text files (" + String.join(", ",
                            TEXT_EXTENSIONS.stream().sorted().map(x -> "." + x).toList()) + ")",
                            "name the files to index directly");
                }
                out.addAll(found);
            } else {
                UserFiles.requireFile(abs, "text file");
                out.add(abs);
            }
        }
        return new ArrayList<>(out);
    }

    private static boolean isTextFile(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && TEXT_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase());
    }

    private static String digest(String text, PassageSplitter splitter) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("max-chars=" + splitter.maxChars() + "\n").getBytes(StandardCharsets.UTF_8));
            md.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
