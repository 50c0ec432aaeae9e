package dev.jspec.cli;

import dev.jspec.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The standard error writer every command prints through, copying each line it prints to
 * the {@code --log} file as well, as runc's logrus does: {@code --log-format text} gives
 * {@code time="..." level=error msg="..."}, {@code json} one object per line,
 * {@code {"level":"error","msg":"...","time":"<RFC3339>"}}. containerd's runc shim reads the
 * last such line after a failure and shows its msg, so the msg is the message alone,
 * without the {@code jspec: } prefix stderr carries.
 *
 * <p>A line that starts {@code jspec: warning: } or holds {@code : warning: } (a config
 * diagnostic) is logged as level {@code warning}; a Java stack frame (only with --debug) as
 * {@code debug}; every other line as {@code error}. Where no {@code --log} was given, lines
 * only go to standard error.
 */
final class LogTee extends Writer {

    enum Format {
        TEXT,
        JSON
    }

    private final Writer console;
    private final StringBuilder line = new StringBuilder();
    private Path file;
    private Format format = Format.TEXT;
    private OutputStream log;
    /** Set when opening the log failed: the failure was said once; lines keep going to stderr. */
    private boolean broken;

    LogTee(Writer console) {
        this.console = console;
    }

    /** Where lines go from now on (--log); null for stderr only. */
    void file(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void format(Format format) {
        this.format = format;
    }

    Format format() {
        return format;
    }

    /**
     * Opens (creates) the log file now, as runc does at start, so that a caller that reads it
     * after a failure finds it even when nothing was logged.
     *
     * @return null, or the one-line reason it cannot be opened
     */
    String open() {
        if (file == null || log != null) {
            return null;
        }
        try {
            log = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return null;
        } catch (IOException | RuntimeException e) {
            broken = true;
            return "--log " + file + ": cannot open: " + e.getMessage();
        }
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        console.write(buf, off, len);
        for (int i = off; i < off + len; i++) {
            char c = buf[i];
            if (c == '\n') {
                logLine(line.toString());
                line.setLength(0);
            } else if (c != '\r') {
                line.append(c);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        console.flush();
    }

    /** Logs what is left of an unfinished line, flushes, and closes the log file (never stderr). */
    @Override
    public void close() throws IOException {
        if (!line.isEmpty()) {
            logLine(line.toString());
            line.setLength(0);
        }
        console.flush();
        if (log != null) {
            log.close();
            log = null;
        }
    }

    private void logLine(String text) {
        if (file == null || broken || text.isBlank()) {
            return;
        }
        if (log == null && open() != null) {
            return;
        }
        try {
            log.write(entry(format, level(text), message(text), OffsetDateTime.now(ZoneId.systemDefault()))
                    .getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException e) {
            broken = true;
        }
    }

    /** error, warning, or debug for the lines of a stack trace. */
    static String level(String text) {
        if (text.startsWith("\t") || text.startsWith("Caused by: ") || text.startsWith("    ")) {
            return "debug";
        }
        if (text.startsWith("jspec: warning: ") || text.contains(": warning: ")) {
            return "warning";
        }
        return "error";
    }

    /** The message without the program-name prefix stderr carries (and without the level word for warnings). */
    static String message(String text) {
        String m = text.startsWith("jspec: ") ? text.substring("jspec: ".length()) : text;
        return m.startsWith("warning: ") ? m.substring("warning: ".length()) : m;
    }

    /** One log line, with its newline, in logrus's text or JSON form. */
    static String entry(Format format, String level, String msg, OffsetDateTime time) {
        String when = time.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        if (format == Format.JSON) {
            return "{\"level\":" + Json.quote(level) + ",\"msg\":" + Json.quote(msg)
                    + ",\"time\":" + Json.quote(when) + "}\n";
        }
        return "time=" + Json.quote(when) + " level=" + level + " msg=" + Json.quote(msg) + "\n";
    }
}
