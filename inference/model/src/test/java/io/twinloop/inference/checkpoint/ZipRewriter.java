package io.twinloop.inference.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Writes damaged copies of a zip checkpoint: records replaced or removed. */
final class ZipRewriter {

    private ZipRewriter() {
    }

    /**
     * @param replacements record name to its new bytes, or to {@code null} to drop the record; a name
     *                     not in the source is added
     */
    static Path rewrite(Path source, Path target, Map<String, byte[]> replacements) throws IOException {
        try (ZipFile zip = new ZipFile(source.toFile());
             OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (replacements.containsKey(entry.getName())) {
                    byte[] bytes = replacements.get(entry.getName());
                    if (bytes != null) {
                        out.putNextEntry(new ZipEntry(entry.getName()));
                        out.write(bytes);
                    }
                } else {
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    out.write(zip.getInputStream(entry).readAllBytes());
                }
            }
            for (Map.Entry<String, byte[]> added : replacements.entrySet()) {
                if (added.getValue() != null && zip.getEntry(added.getKey()) == null) {
                    out.putNextEntry(new ZipEntry(added.getKey()));
                    out.write(added.getValue());
                }
            }
        }
        return target;
    }

    static Path zipOf(Path target, Map<String, byte[]> records) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Map.Entry<String, byte[]> e : records.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
            }
        }
        return target;
    }
}
