package io.sluice.common.config;

/**
 * A configuration that cannot be used: unreadable file, YAML syntax error, unknown or duplicate
 * key, value of the wrong type or out of range, or settings that contradict each other.
 *
 * <p>The message always starts with where the problem is, compiler style, so an operator can jump
 * to it: {@code conf/sluice.yaml:12:3: rtmp.chunk_sise: unknown key (...)}. Line and column are
 * 1-based; both are 0 when the problem has no position (a missing file). The key is the dotted
 * YAML path ({@code rtmp.port}, {@code worker.jvm_options[2]}); empty for the document itself.
 */
public final class ConfigException extends Exception {

    private final String source;
    private final int line;
    private final int column;
    private final String key;
    private final String detail;

    public ConfigException(String source, int line, int column, String key, String detail) {
        this(source, line, column, key, detail, null);
    }

    public ConfigException(String source, int line, int column, String key, String detail, Throwable cause) {
        super(format(source, line, column, key, detail), cause);
        this.source = source;
        this.line = line;
        this.column = column;
        this.key = key == null ? "" : key;
        this.detail = detail;
    }

    static ConfigException at(String source, ConfigNode.Mark mark, String key, String detail) {
        return new ConfigException(source, mark.line(), mark.column(), key, detail);
    }

    /** The file name (or other source name) the configuration came from. */
    public String source() {
        return source;
    }

    /** 1-based line of the offending key or value, 0 if unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending key or value, 0 if unknown. */
    public int column() {
        return column;
    }

    /** Dotted key path, e.g. {@code rtmp.port}; empty when the problem is the document itself. */
    public String key() {
        return key;
    }

    /** The message without the location prefix, e.g. {@code expected an integer 1..65535, got 'abc'}. */
    public String detail() {
        return detail;
    }

    private static String format(String source, int line, int column, String key, String detail) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (key != null && !key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(detail).toString();
    }
}
