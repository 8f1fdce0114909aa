package dev.genloom.plugins.gpt.chat;

import java.util.List;
import java.util.Map;

/** The syntax tree: statements ({@link TemplateNode}) and expressions ({@link Expr}); {@code pos} is a source offset. */
sealed interface TemplateNode {

    record Text(String text) implements TemplateNode {
    }

    record Output(Expr expr, int pos) implements TemplateNode {
    }

    record If(List<Expr> conditions, List<List<TemplateNode>> bodies, List<TemplateNode> elseBody) implements TemplateNode {
    }

    record For(List<String> targets, Expr iter, Expr filter, List<TemplateNode> body, List<TemplateNode> elseBody, int pos) implements TemplateNode {
    }

    /** {@code set a = v}, {@code set a, b = v}, or {@code set ns.attr = v} (then {@code attrOf} is non-null). */
    record Set(List<String> targets, Expr attrOf, Expr value, int pos) implements TemplateNode {
    }

    record SetBlock(String target, List<TemplateNode> body) implements TemplateNode {
    }

    record Macro(String name, List<String> params, List<Expr> defaults, List<TemplateNode> body, int pos) implements TemplateNode {
    }

    /** A block rendered in place ({@code generation}). */
    record Block(List<TemplateNode> body) implements TemplateNode {
    }

    record Break(int pos) implements TemplateNode {
    }

    record Continue(int pos) implements TemplateNode {
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
