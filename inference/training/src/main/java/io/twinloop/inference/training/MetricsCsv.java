package io.twinloop.inference.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends one row per epoch to a CSV file, writing the header when the file is new, so that a
 * resumed run continues the same file.
 */
public final class MetricsCsv {

    private final Path file;

    public MetricsCsv(Path file) {
        this.file = file;
    }

    public void append(EpochMetrics metrics) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        if (!Files.exists(file) || Files.size(file) == 0) {
            Files.write(file, List.of(EpochMetrics.CSV_HEADER), StandardCharsets.UTF_8);
        }
        Files.write(file, List.of(metrics.csvRow()), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** @return the epochs written so far, in order (none when the file does not exist) */
    public List<EpochMetrics> read() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(EpochMetrics.CSV_HEADER)) {
            throw new IOException(file + ": not a metrics file of this version (header " + EpochMetrics.CSV_HEADER + ")");
        }
        return lines.stream().skip(1).filter(l -> !l.isBlank()).map(EpochMetrics::fromCsvRow).toList();
    }
}
