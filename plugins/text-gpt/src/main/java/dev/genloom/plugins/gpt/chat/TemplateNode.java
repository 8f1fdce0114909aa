package dev.genloom.plugins.gpt.chat;

import java.util.List;
import java.util.Map;

/** The syntax tree: statements ({@link Node}) and expressions ({@link Expr}); {@code pos} is a source offset. */
sealed interface Node {

    record Text(String text) implements Node {
    }

    record Output(Expr expr, int pos) implements Node {
    }

    record If(List<Expr> conditions, List<List<Node>> bodies, List<Node> elseBody) implements Node {
    }

    record For(List<String> targets, Expr iter, Expr filter, List<Node> body, List<Node> elseBody, int pos) implements Node {
    }

    /** {@code set a = v}, {@code set a, b = v}, or {@code set ns.attr = v} (then {@code attrOf} is non-null). */
    record Set(List<String> targets, Expr attrOf, Expr value, int pos) implements Node {
    }

    record SetBlock(String target, List<Node> body) implements Node {
    }

    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body, int pos) implements Node {
    }

    /** A block rendered in place ({@code generation}). */
    record Block(List<Node> body) implements Node {
    }

    record Break(int pos) implements Node {
    }

    record Continue(int pos) implements Node {
    }

    sealed interface Expr {
        int pos();
    }

    record Literal(Object value, int pos) implements Expr {
    }

    record Name(String name, int pos) implements Expr {
    }

    record ListExpr(List<Expr> items, boolean tuple, int pos) implements Expr {
    }

    record DictExpr(List<Expr> keys, List<Expr> values, int pos) implements Expr {
    }

    record GetAttr(Expr target, String name, int pos) implements Expr {
    }

    record GetItem(Expr target, Expr index, int pos) implements Expr {
    }

    record Slice(Expr target, Expr start, Expr stop, Expr step, int pos) implements Expr {
    }

    record Call(Expr fn, List<Expr> args, Map<String, Expr> kwargs, int pos) implements Expr {
    }

    record Filter(Expr value, String name, List<Expr> args, Map<String, Expr> kwargs, int pos) implements Expr {
    }

    record Test(Expr value, String name, List<Expr> args, boolean negated, int pos) implements Expr {
    }

    record Unary(String op, Expr operand, int pos) implements Expr {
    }

    record Binary(String op, Expr left, Expr right, int pos) implements Expr {
    }

    record Compare(Expr first, List<String> ops, List<Expr> rest, int pos) implements Expr {
    }

    record CondExpr(Expr test, Expr then, Expr orElse, int pos) implements Expr {
    }
}
