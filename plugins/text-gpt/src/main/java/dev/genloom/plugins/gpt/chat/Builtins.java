package dev.genloom.plugins.gpt.chat;

import dev.genloom.plugins.gpt.chat.TemplateValues.Callable;
import dev.genloom.plugins.gpt.chat.TemplateValues.Namespace;
import dev.genloom.plugins.gpt.chat.TemplateValues.OpException;
import dev.genloom.plugins.gpt.chat.TemplateValues.Undefined;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Collections;

/** Filters, tests, global functions and methods on strings and dicts. */
final class Builtins {

    private Builtins() {
    }

    @FunctionalInterface
    interface Filter {
        Object apply(Object value, List<Object> args, Map<String, Object> kwargs);
    }

    @FunctionalInterface
    interface Test {
        boolean test(Object value, List<Object> args);
    }

    private static final Map<String, Filter> FILTERS = new HashMap<>();
    private static final Map<String, Test> TESTS = new HashMap<>();

    static boolean hasFilter(String name) {
        return FILTERS.containsKey(name);
    }

    static boolean hasTest(String name) {
        return TESTS.containsKey(name);
    }

    static Object filter(String name, Object value, List<Object> args, Map<String, Object> kwargs) {
        Filter f = FILTERS.get(name);
        if (f == null) {
            throw new OpException("unknown filter '" + name + "'");
        }
        return f.apply(value, args, kwargs);
    }

    static boolean test(String name, Object value, List<Object> args) {
        Test t = TESTS.get(name);
        if (t == null) {
            throw new OpException("unknown test '" + name + "'");
        }
        return t.test(value, args);
    }

    static Object arg(List<Object> args, Map<String, Object> kwargs, int i, String name, Object def) {
        if (i < args.size()) {
            return args.get(i);
        }
        if (name != null && kwargs.containsKey(name)) {
            return kwargs.get(name);
        }
        return def;
    }

    private static Object first(List<Object> args) {
        if (args.isEmpty()) {
            throw new OpException("missing argument");
        }
        return args.get(0);
    }

    // ---- string helpers (Python str methods) --------------------------------------------------

    static String strip(String s, Object chars, boolean left, boolean right) {
        String set = chars == null || chars instanceof Undefined ? null : TemplateValues.str(chars);
        int b = 0;
        int e = s.length();
        if (left) {
            while (b < e && (set == null ? Character.isWhitespace(s.charAt(b)) : set.indexOf(s.charAt(b)) >= 0)) {
                b++;
            }
        }
        if (right) {
            while (e > b && (set == null ? Character.isWhitespace(s.charAt(e - 1)) : set.indexOf(s.charAt(e - 1)) >= 0)) {
                e--;
            }
        }
        return s.substring(b, e);
    }

    static List<Object> split(String s, Object sepArg, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sepArg == null || sepArg instanceof Undefined) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        String sep = TemplateValues.str(sepArg);
        if (sep.isEmpty()) {
            throw new OpException("empty separator");
        }
        int i = 0;
        while (true) {
            int j = s.indexOf(sep, i);
            if (j < 0 || (maxsplit >= 0 && out.size() == maxsplit)) {
                out.add(s.substring(i));
                return out;
            }
            out.add(s.substring(i, j));
            i = j + sep.length();
        }
    }

    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(prevCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevCased = Character.isLetter(c);
        }
        return sb.toString();
    }

    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
    }

    static String replace(String s, Object old, Object repl, Object count) {
        String o = TemplateValues.str(old);
        String r = TemplateValues.str(repl);
        long c = count == null || count instanceof Undefined ? -1 : TemplateValues.toLong(count);
        if (c < 0) {
            return s.replace(o, r);
        }
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (long k = 0; k < c; k++) {
            int j = s.indexOf(o, i);
            if (j < 0) {
                break;
            }
            sb.append(s, i, j).append(r);
            i = j + o.length();
            if (o.isEmpty()) {
                if (i < s.length()) {
                    sb.append(s.charAt(i));
                }
                i++;
            }
        }
        if (i <= s.length()) {
            sb.append(s.substring(i));
        }
        return sb.toString();
    }

    private static boolean affix(String s, Object arg, boolean prefix) {
        if (arg instanceof List<?> l) {
            for (Object o : l) {
                if (affix(s, o, prefix)) {
                    return true;
                }
            }
            return false;
        }
        String a = TemplateValues.str(arg);
        return prefix ? s.startsWith(a) : s.endsWith(a);
    }

    /** Attribute access: methods first (as Python's getattr), then mapping keys. */
    static Object getAttr(Object obj, String name) {
        if (obj instanceof Undefined) {
            return new Undefined(name);
        }
        if (obj instanceof Namespace ns) {
            return ns.attrs.containsKey(name) ? ns.attrs.get(name) : new Undefined(name);
        }
        if (obj instanceof Map<?, ?> m) {
            Callable method = dictMethod(m, name);
            if (method != null) {
                return method;
            }
            return m.containsKey(name) ? m.get(name) : new Undefined(name);
        }
        if (obj instanceof String s) {
            Callable method = stringMethod(s, name);
            return method != null ? method : new Undefined(name);
        }
        if (obj instanceof List<?> l) {
            Callable method = listMethod(l, name);
            return method != null ? method : new Undefined(name);
        }
        return new Undefined(name);
    }

    private static Callable dictMethod(Map<?, ?> m, String name) {
        return switch (name) {
            case "items" -> (a, k) -> items(m);
            case "keys" -> (a, k) -> new ArrayList<Object>(m.keySet());
            case "values" -> (a, k) -> new ArrayList<Object>(m.values());
            case "get" -> (a, k) -> {
                Object key = first(a);
                Object def = arg(a, k, 1, "default", null);
                return m.containsKey(key) ? m.get(key) : def;
            };
            case "copy" -> (a, k) -> new LinkedHashMap<Object, Object>(m);
            default -> null;
        };
    }

    static List<Object> items(Map<?, ?> m) {
        List<Object> out = new ArrayList<>();
        m.forEach((k, v) -> {
            List<Object> pair = new ArrayList<>(2);
            pair.add(k);
            pair.add(v);
            out.add(pair);
        });
        return out;
    }

    private static Callable listMethod(List<?> l, String name) {
        return switch (name) {
            case "index" -> (a, k) -> {
                Object x = first(a);
                for (int i = 0; i < l.size(); i++) {
                    if (TemplateValues.eq(l.get(i), x)) {
                        return (long) i;
                    }
                }
                throw new OpException(TemplateValues.repr(x) + " is not in list");
            };
            case "count" -> (a, k) -> {
                Object x = first(a);
                return l.stream().filter(o -> TemplateValues.eq(o, x)).count();
            };
            default -> null;
        };
    }

    private static Callable stringMethod(String s, String name) {
        return switch (name) {
            case "strip" -> (a, k) -> strip(s, arg(a, k, 0, "chars", null), true, true);
            case "lstrip" -> (a, k) -> strip(s, arg(a, k, 0, "chars", null), true, false);
            case "rstrip" -> (a, k) -> strip(s, arg(a, k, 0, "chars", null), false, true);
            case "split" -> (a, k) -> split(s, arg(a, k, 0, "sep", null), TemplateValues.toLong(arg(a, k, 1, "maxsplit", -1L)));
            case "splitlines" -> (a, k) -> {
                List<Object> out = new ArrayList<>(List.of(s.split("\r\n|\n|\r", -1)));
                if (!out.isEmpty() && out.get(out.size() - 1).equals("")) {
                    out.remove(out.size() - 1);
                }
                return out;
            };
            case "startswith" -> (a, k) -> affix(s, first(a), true);
            case "endswith" -> (a, k) -> affix(s, first(a), false);
            case "upper" -> (a, k) -> s.toUpperCase(Locale.ROOT);
            case "lower" -> (a, k) -> s.toLowerCase(Locale.ROOT);
            case "title" -> (a, k) -> title(s);
            case "capitalize" -> (a, k) -> capitalize(s);
            case "replace" -> (a, k) -> replace(s, first(a), arg(a, k, 1, "new", ""), arg(a, k, 2, "count", null));
            case "find" -> (a, k) -> (long) s.indexOf(TemplateValues.str(first(a)));
            case "count" -> (a, k) -> {
                String sub = TemplateValues.str(first(a));
                if (sub.isEmpty()) {
                    return (long) s.length() + 1;
                }
                long c = 0;
                for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
                    c++;
                }
                return c;
            };
            case "join" -> (a, k) -> {
                StringBuilder sb = new StringBuilder();
                List<Object> parts = TemplateValues.iterate(first(a));
                for (int i = 0; i < parts.size(); i++) {
                    sb.append(i > 0 ? s : "").append(TemplateValues.str(parts.get(i)));
                }
                return sb.toString();
            };
            case "isdigit" -> (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isspace" -> (a, k) -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            default -> null;
        };
    }

    // ---- globals -------------------------------------------------------------------------------

    static Map<String, Object> globals(Clock clock) {
        Map<String, Object> g = new HashMap<>();
        g.put("range", (Callable) (a, k) -> {
            long start = 0;
            long stop;
            long step = 1;
            if (a.size() == 1) {
                stop = TemplateValues.toLong(a.get(0));
            } else if (a.size() == 2 || a.size() == 3) {
                start = TemplateValues.toLong(a.get(0));
                stop = TemplateValues.toLong(a.get(1));
                if (a.size() == 3) {
                    step = TemplateValues.toLong(a.get(2));
                }
            } else {
                throw new OpException("range expected 1 to 3 arguments, got " + a.size());
            }
            if (step == 0) {
                throw new OpException("range() arg 3 must not be zero");
            }
            List<Object> out = new ArrayList<>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                out.add(i);
                if (out.size() > 1_000_000) {
                    throw new OpException("range too big");
                }
            }
            return out;
        });
        g.put("namespace", (Callable) (a, k) -> {
            Namespace ns = new Namespace();
            for (Object o : a) {
                if (o instanceof Map<?, ?> m) {
                    m.forEach((key, v) -> ns.attrs.put(TemplateValues.str(key), v));
                }
            }
            ns.attrs.putAll(k);
            return ns;
        });
        g.put("dict", (Callable) (a, k) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Object o : a) {
                if (o instanceof Map<?, ?> src) {
                    m.putAll(src);
                }
            }
            m.putAll(k);
            return m;
        });
        g.put("strftime_now", (Callable) (a, k) -> strftime(ZonedDateTime.now(clock), TemplateValues.str(first(a))));
        return g;
    }

    /** Python's {@code datetime.strftime} for the common directives. */
    static String strftime(ZonedDateTime t, String fmt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            boolean noPad = false;
            if (d == '-' && i + 1 < fmt.length()) {
                noPad = true;
                d = fmt.charAt(++i);
            }
            String two = noPad ? "%d" : "%02d";
            switch (d) {
                case 'd' -> sb.append(String.format(two, t.getDayOfMonth()));
                case 'm' -> sb.append(String.format(two, t.getMonthValue()));
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(String.format(two, t.getYear() % 100));
                case 'H' -> sb.append(String.format(two, t.getHour()));
                case 'I' -> sb.append(String.format(two, (t.getHour() + 11) % 12 + 1));
                case 'M' -> sb.append(String.format(two, t.getMinute()));
                case 'S' -> sb.append(String.format(two, t.getSecond()));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'j' -> sb.append(String.format(noPad ? "%d" : "%03d", t.getDayOfYear()));
                case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
                case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
                case 'f' -> sb.append(String.format("%06d", t.getNano() / 1000));
                case 'Z' -> sb.append(t.getZone().getId().equals("Z") ? "UTC" : t.getZone().getId());
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }

    // ---- filters -------------------------------------------------------------------------------

    private static List<Object> attrPath(Object item, Object attribute) {
        List<Object> one = new ArrayList<>(1);
        Object v = item;
        for (String part : TemplateValues.str(attribute).split("\\.")) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            Object next = v instanceof Map<?, ?> m && m.containsKey(part) ? m.get(part)
                    : key instanceof Long ? TemplateValues.item(v, key) : getAttr(v, part);
            v = next;
        }
        one.add(v);
        return one;
    }

    static Object attribute(Object item, Object attribute) {
        return attrPath(item, attribute).get(0);
    }

    private static List<Object> selectOrReject(Object value, List<Object> args, boolean byAttr, boolean select) {
        List<Object> out = new ArrayList<>();
        int base = byAttr ? 1 : 0;
        for (Object item : TemplateValues.iterate(value)) {
            Object subject = byAttr ? attribute(item, first(args)) : item;
            boolean ok;
            if (args.size() > base) {
                String testName = TemplateValues.str(args.get(base));
                ok = test(testName, subject, args.subList(base + 1, args.size()));
            } else {
                ok = TemplateValues.truthy(subject);
            }
            if (ok == select) {
                out.add(item);
            }
        }
        return out;
    }

    private static String indent(String s, Object width, boolean firstLine, boolean blank) {
        String pad = width instanceof String w ? w : " ".repeat((int) TemplateValues.toLong(width));
        String[] lines = s.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            boolean indentIt = (i > 0 || firstLine) && (blank || !lines[i].isBlank());
            sb.append(indentIt ? pad : "").append(lines[i]);
        }
        return sb.toString();
    }

    private static Object toInt(Object v, Object def) {
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof Double d) {
            return (long) d.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(s.strip());
                } catch (NumberFormatException e2) {
                    return def;
                }
            }
        }
        return def;
    }

    private static Object toFloat(Object v, Object def) {
        if (TemplateValues.isNumber(v)) {
            return TemplateValues.toDouble(v);
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return def;
            }
        }
        return def;
    }

    private static String htmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
    }

    private static int sortCompare(Object a, Object b) {
        if (a instanceof String sa && b instanceof String sb) {
            return sa.compareToIgnoreCase(sb);
        }
        return TemplateValues.compare(a, b, "<");
    }

    static {
        FILTERS.put("trim", (v, a, k) -> strip(TemplateValues.str(v), arg(a, k, 0, "chars", null), true, true));
        FILTERS.put("length", (v, a, k) -> (long) TemplateValues.length(v));
        FILTERS.put("count", FILTERS.get("length"));
        FILTERS.put("upper", (v, a, k) -> TemplateValues.str(v).toUpperCase(Locale.ROOT));
        FILTERS.put("lower", (v, a, k) -> TemplateValues.str(v).toLowerCase(Locale.ROOT));
        FILTERS.put("capitalize", (v, a, k) -> capitalize(TemplateValues.str(v)));
        FILTERS.put("title", (v, a, k) -> title(TemplateValues.str(v)));
        FILTERS.put("string", (v, a, k) -> TemplateValues.str(v));
        FILTERS.put("safe", (v, a, k) -> v);
        FILTERS.put("escape", (v, a, k) -> htmlEscape(TemplateValues.str(v)));
        FILTERS.put("e", FILTERS.get("escape"));
        FILTERS.put("tojson", (v, a, k) -> {
            if (v instanceof Undefined) {
                throw new OpException("Object of type Undefined is not JSON serializable");
            }
            Object ind = arg(a, k, 0, "indent", null);
            return TemplateValues.toJson(v, ind == null ? null : (int) TemplateValues.toLong(ind), TemplateValues.truthy(k.get("sort_keys")));
        });
        FILTERS.put("join", (v, a, k) -> {
            String sep = TemplateValues.str(arg(a, k, 0, "d", ""));
            Object attr = arg(a, k, 1, "attribute", null);
            StringBuilder sb = new StringBuilder();
            List<Object> items = TemplateValues.iterate(v);
            for (int i = 0; i < items.size(); i++) {
                sb.append(i > 0 ? sep : "").append(TemplateValues.str(attr == null ? items.get(i) : attribute(items.get(i), attr)));
            }
            return sb.toString();
        });
        FILTERS.put("default", (v, a, k) -> {
            Object def = arg(a, k, 0, "default_value", "");
            boolean bool = TemplateValues.truthy(arg(a, k, 1, "boolean", false));
            return v instanceof Undefined || (bool && !TemplateValues.truthy(v)) ? def : v;
        });
        FILTERS.put("d", FILTERS.get("default"));
        FILTERS.put("first", (v, a, k) -> {
            List<Object> l = TemplateValues.iterate(v);
            return l.isEmpty() ? new Undefined("first") : l.get(0);
        });
        FILTERS.put("last", (v, a, k) -> {
            List<Object> l = TemplateValues.iterate(v);
            return l.isEmpty() ? new Undefined("last") : l.get(l.size() - 1);
        });
        FILTERS.put("int", (v, a, k) -> toInt(v, arg(a, k, 0, "default", 0L)));
        FILTERS.put("float", (v, a, k) -> toFloat(v, arg(a, k, 0, "default", 0.0)));
        FILTERS.put("list", (v, a, k) -> TemplateValues.iterate(v));
        FILTERS.put("replace", (v, a, k) -> replace(TemplateValues.str(v), first(a), arg(a, k, 1, "new", ""), arg(a, k, 2, "count", null)));
        FILTERS.put("selectattr", (v, a, k) -> selectOrReject(v, a, true, true));
        FILTERS.put("rejectattr", (v, a, k) -> selectOrReject(v, a, true, false));
        FILTERS.put("select", (v, a, k) -> selectOrReject(v, a, false, true));
        FILTERS.put("reject", (v, a, k) -> selectOrReject(v, a, false, false));
        FILTERS.put("map", (v, a, k) -> {
            List<Object> out = new ArrayList<>();
            Object attr = k.get("attribute");
            for (Object item : TemplateValues.iterate(v)) {
                if (attr != null) {
                    Object x = attribute(item, attr);
                    if (x instanceof Undefined && k.containsKey("default")) {
                        x = k.get("default");
                    }
                    out.add(x);
                } else {
                    Map<String, Object> rest = new LinkedHashMap<>(k);
                    out.add(filter(TemplateValues.str(first(a)), item, a.subList(1, a.size()), rest));
                }
            }
            return out;
        });
        FILTERS.put("items", (v, a, k) -> v instanceof Map<?, ?> m ? items(m) : new ArrayList<>());
        FILTERS.put("dictsort", (v, a, k) -> {
            List<Object> it = v instanceof Map<?, ?> m ? items(m) : new ArrayList<>();
            boolean byValue = "value".equals(arg(a, k, 1, "by", "key"));
            it.sort((x, y) -> sortCompare(((List<?>) x).get(byValue ? 1 : 0), ((List<?>) y).get(byValue ? 1 : 0)));
            if (TemplateValues.truthy(arg(a, k, 2, "reverse", false))) {
                Collections.reverse(it);
            }
            return it;
        });
        FILTERS.put("sort", (v, a, k) -> {
            List<Object> l = TemplateValues.iterate(v);
            Object attr = arg(a, k, 2, "attribute", null);
            l.sort((x, y) -> attr == null ? sortCompare(x, y) : sortCompare(attribute(x, attr), attribute(y, attr)));
            if (TemplateValues.truthy(arg(a, k, 0, "reverse", false))) {
                Collections.reverse(l);
            }
            return l;
        });
        FILTERS.put("reverse", (v, a, k) -> {
            if (v instanceof String s) {
                return new StringBuilder(s).reverse().toString();
            }
            List<Object> l = TemplateValues.iterate(v);
            Collections.reverse(l);
            return l;
        });
        FILTERS.put("unique", (v, a, k) -> {
            List<Object> out = new ArrayList<>();
            for (Object o : TemplateValues.iterate(v)) {
                if (out.stream().noneMatch(x -> TemplateValues.eq(x, o))) {
                    out.add(o);
                }
            }
            return out;
        });
        FILTERS.put("abs", (v, a, k) -> v instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(TemplateValues.toDouble(v)));
        FILTERS.put("round", (v, a, k) -> {
            long prec = TemplateValues.toLong(arg(a, k, 0, "precision", 0L));
            String method = TemplateValues.str(arg(a, k, 1, "method", "common"));
            double f = Math.pow(10, prec);
            double x = TemplateValues.toDouble(v) * f;
            double r = switch (method) {
                case "floor" -> Math.floor(x);
                case "ceil" -> Math.ceil(x);
                default -> Math.signum(x) * Math.floor(Math.abs(x) + 0.5);
            };
            return r / f;
        });
        FILTERS.put("sum", (v, a, k) -> {
            Object attr = arg(a, k, 0, "attribute", null);
            Object total = arg(a, k, 1, "start", 0L);
            for (Object o : TemplateValues.iterate(v)) {
                Object x = attr == null ? o : attribute(o, attr);
                total = TemplateValues.isIntegral(total) && TemplateValues.isIntegral(x) ? (Object) (TemplateValues.toLong(total) + TemplateValues.toLong(x))
                        : (Object) (TemplateValues.toDouble(total) + TemplateValues.toDouble(x));
            }
            return total;
        });
        FILTERS.put("min", (v, a, k) -> TemplateValues.iterate(v).stream().min(Builtins::sortCompare).orElse(new Undefined("min")));
        FILTERS.put("max", (v, a, k) -> TemplateValues.iterate(v).stream().max(Builtins::sortCompare).orElse(new Undefined("max")));
        FILTERS.put("indent", (v, a, k) -> indent(TemplateValues.str(v), arg(a, k, 0, "width", 4L),
                TemplateValues.truthy(arg(a, k, 1, "first", false)), TemplateValues.truthy(arg(a, k, 2, "blank", false))));
        FILTERS.put("wordcount", (v, a, k) -> (long) split(TemplateValues.str(v), null, -1).size());

        TESTS.put("defined", (v, a) -> !(v instanceof Undefined));
        TESTS.put("undefined", (v, a) -> v instanceof Undefined);
        TESTS.put("none", (v, a) -> v == null);
        TESTS.put("string", (v, a) -> v instanceof String);
        TESTS.put("mapping", (v, a) -> v instanceof Map);
        TESTS.put("iterable", (v, a) -> v instanceof String || v instanceof Collection || v instanceof Map || v instanceof Undefined);
        TESTS.put("sequence", (v, a) -> v instanceof String || v instanceof Collection || v instanceof Map || v instanceof Undefined);
        TESTS.put("number", (v, a) -> v instanceof Long || v instanceof Double || v instanceof Boolean);
        TESTS.put("integer", (v, a) -> v instanceof Long);
        TESTS.put("float", (v, a) -> v instanceof Double);
        TESTS.put("boolean", (v, a) -> v instanceof Boolean);
        TESTS.put("true", (v, a) -> Boolean.TRUE.equals(v));
        TESTS.put("false", (v, a) -> Boolean.FALSE.equals(v));
        TESTS.put("callable", (v, a) -> v instanceof Callable);
        TESTS.put("odd", (v, a) -> Math.floorMod(TemplateValues.toLong(v), 2) == 1);
        TESTS.put("even", (v, a) -> Math.floorMod(TemplateValues.toLong(v), 2) == 0);
        TESTS.put("divisibleby", (v, a) -> Math.floorMod(TemplateValues.toLong(v), TemplateValues.toLong(first(a))) == 0);
        TESTS.put("equalto", (v, a) -> TemplateValues.eq(v, first(a)));
        TESTS.put("eq", TESTS.get("equalto"));
        TESTS.put("ne", (v, a) -> !TemplateValues.eq(v, first(a)));
        TESTS.put("sameas", (v, a) -> v == first(a) || (v == null && first(a) == null) || (v instanceof Boolean && v.equals(first(a))));
        TESTS.put("in", (v, a) -> TemplateValues.contains(first(a), v));
        TESTS.put("lower", (v, a) -> v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT)));
        TESTS.put("upper", (v, a) -> v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT)));
        TESTS.put("gt", (v, a) -> TemplateValues.compare(v, first(a), ">") > 0);
        TESTS.put("ge", (v, a) -> TemplateValues.compare(v, first(a), ">=") >= 0);
        TESTS.put("lt", (v, a) -> TemplateValues.compare(v, first(a), "<") < 0);
        TESTS.put("le", (v, a) -> TemplateValues.compare(v, first(a), "<=") <= 0);
        TESTS.put("greaterthan", TESTS.get("gt"));
        TESTS.put("lessthan", TESTS.get("lt"));
        TESTS.put("==", TESTS.get("equalto"));
        TESTS.put("!=", TESTS.get("ne"));
        TESTS.put(">", TESTS.get("gt"));
        TESTS.put(">=", TESTS.get("ge"));
        TESTS.put("<", TESTS.get("lt"));
        TESTS.put("<=", TESTS.get("le"));
    }
}
