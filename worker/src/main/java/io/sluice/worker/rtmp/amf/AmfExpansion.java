package io.sluice.worker.rtmp.amf;

import java.util.List;
import java.util.Map;

/**
 * Checks what references made of a decoded value before anyone walks it: at most
 * {@link Amf#MAX_DEPTH} levels deep and at most {@link Amf#MAX_REFERENCE_EXPANSION} values plus
 * string characters larger than its encoding. The readers run it only after resolving a
 * reference (without references a value is never larger than its bytes, nor deeper than the
 * readers' own depth check allows), and the walk stops as soon as a limit is passed, so its cost
 * is bounded by the limits, not by what the references expand to.
 */
final class AmfExpansion {

    private final String what;
    private final int offset;
    private final long budget;
    private long left;

    private AmfExpansion(String what, int offset, long budget) {
        this.what = what;
        this.offset = offset;
        this.budget = budget;
        this.left = budget;
    }

    /**
     * @param values       what one read call returns, each value at depth 1
     * @param encodedBytes the bytes they were read from
     * @throws AmfException naming {@code what} at {@code offset} when a limit is passed
     */
    static void check(List<?> values, long encodedBytes, String what, int offset) {
        AmfExpansion walk = new AmfExpansion(what, offset, encodedBytes + Amf.MAX_REFERENCE_EXPANSION);
        for (Object value : values) {
            walk.visit(value, 1);
        }
    }

    private void visit(Object value, int depth) {
        spend(1);
        if (value instanceof String s) {
            spend(s.length());
        } else if (value instanceof byte[] b) {
            spend(b.length);
        } else if (value instanceof AmfXml xml) {
            spend(xml.xml().length());
        } else if (value instanceof AmfTypedObject typed) {
            container(depth);
            spend(typed.className().length());
            entries(typed.properties(), depth);
        } else if (value instanceof Amf3Array array) {
            container(depth);
            entries(array.associative(), depth);
            items(array.dense(), depth);
        } else if (value instanceof Map<?, ?> map) {
            container(depth);
            entries(map, depth);
        } else if (value instanceof List<?> list) {
            container(depth);
            items(list, depth);
        }
    }

    private void entries(Map<?, ?> map, int depth) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            visit(e.getKey(), depth + 1);
            visit(e.getValue(), depth + 1);
        }
    }

    private void items(List<?> list, int depth) {
        for (Object item : list) {
            visit(item, depth + 1);
        }
    }

    private void container(int depth) {
        if (depth > Amf.MAX_DEPTH) {
            throw new AmfException(what, offset, "references nest it deeper than " + Amf.MAX_DEPTH
                    + " levels (Amf.MAX_DEPTH)");
        }
    }

    private void spend(long amount) {
        left -= amount;
        if (left < 0) {
            throw new AmfException(what, offset, "references expand it to more than " + budget
                    + " values and characters (its bytes plus Amf.MAX_REFERENCE_EXPANSION)");
        }
    }
}
