package io.twinloop.inference.model.numerics;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a figure was computed: the CPU (vendor, family, model and the instruction sets that decide libtorch's
 * kernels), libtorch and oneDNN, the thread counts and the machine's load. Printed by the service at start, by
 * {@code bench} in its JSON and by the kernel tests, because the same code gives other numbers, right or wrong, on
 * other CPUs (docs/numerics.md).
 *
 * @param cpu          e.g. "AuthenticAMD family 26 model 2 (AMD EPYC)"
 * @param isa          the CPU's flags among those oneDNN chooses kernels by, e.g. [avx2, avx512f, avx512_bf16]
 * @param maxIsa       {@code ONEDNN_MAX_CPU_ISA} if set (caps the kernels oneDNN uses), else "default"
 * @param libtorch     libtorch's version (DJL's engine)
 * @param onednn       the oneDNN version that libtorch release bundles, or "unknown"
 * @param torchThreads libtorch's intra-op threads
 * @param cores        processors the JVM sees
 * @param load         the 1-minute load average (other work on the machine), or -1 when unknown
 */
public record ComputeEnvironment(String cpu, List<String> isa, String maxIsa, String libtorch, String onednn,
                                 int torchThreads, int cores, double load) {

    /** flags that select oneDNN's kernels (AVX2, AVX-512 and its bf16/vnni extensions, AMX) */
    private static final Set<String> KERNEL_FLAGS = Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl",
            "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8");
    /** oneDNN as bundled by libtorch's releases (libtorch does not say so at run time) */
    private static final Map<String, String> ONEDNN = Map.of("2.5.1", "3.5.3", "2.7.1", "3.7.1");

    /** @return this process's environment (starts the engine if it has not started) */
    public static ComputeEnvironment current() {
        Map<String, String> cpuinfo = firstProcessor();
        List<String> isa = new ArrayList<>();
        for (String flag : cpuinfo.getOrDefault("flags", "").split(" ")) {
            if (KERNEL_FLAGS.contains(flag)) {
                isa.add(flag);
            }
        }
        isa.sort(null);
        String cpu = cpuinfo.isEmpty() ? System.getProperty("os.arch")
                : cpuinfo.getOrDefault("vendor_id", "?") + " family " + cpuinfo.getOrDefault("cpu family", "?")
                        + " model " + cpuinfo.getOrDefault("model", "?") + " (" + cpuinfo.getOrDefault("model name", "?")
                        + ")";
        String libtorch = Engine.getEngine("PyTorch").getVersion();
        String maxIsa = System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "default");
        return new ComputeEnvironment(cpu, List.copyOf(isa), maxIsa, libtorch, ONEDNN.getOrDefault(libtorch, "unknown"),
                JniUtils.getNumThreads(), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** @return the fields by name, for a JSON report */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cpu", cpu);
        map.put("isa", isa);
        map.put("onednn_max_cpu_isa", maxIsa);
        map.put("libtorch", libtorch);
        map.put("onednn", onednn);
        map.put("torch_threads", torchThreads);
        map.put("cores", cores);
        map.put("load_average", load);
        return map;
    }

    /** @return one line for a log */
    public String describe() {
        return "compute: " + cpu + ", isa " + String.join(" ", isa) + ", ONEDNN_MAX_CPU_ISA " + maxIsa + ", libtorch "
                + libtorch + " (oneDNN " + onednn + "), " + torchThreads + " torch threads of " + cores
                + " cores, load " + String.format("%.2f", load);
    }

    private static Map<String, String> firstProcessor() {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.isBlank()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException | SecurityException e) {
            fields.clear(); // not Linux: the CPU is then named by its architecture alone
        }
        return fields;
    }
}
