#!/usr/bin/env bash
# Prepares, on a CPU machine with the JDK and the project built, everything the GPU machine needs to run the Java
# bench on CUDA (that machine has CUDA, PyTorch for Python with libtorch's headers and CMake files inside the wheel,
# nvcc, CMake; no Java, no network):
#   target/gpu-kit/djl-native/  DJL's PyTorch JNI sources at the version the project uses, with the JNI header
#                               generated here by javac -h (built there against the wheel's libtorch)
#   target/gpu-kit/jre/         a jlinked Java runtime with include/ (jni.h) for CMake's FindJNI
#   target/gpu-kit/lib/         the jars `bench` needs (no Kafka)
#   target/gpu-kit/fnn/         fnn's source for the Python bench (tools/gpu/fnn_gpu_bench.py)
# all packed into target/gpu-kit.tar.xz, the one path to carry
# Usage: tools/gpu/prepare-kit.sh DJL_SRC FNN_SRC   (checkouts of deepjavalibrary/djl and vijk777/fnn)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
djl_src="$1"; fnn_src="$2"
kit="$root/target/gpu-kit"
djl_version="$(sed -n 's:.*<djl.version>\(.*\)</djl.version>.*:\1:p' "$root/pom.xml" | head -1)"
rm -rf "$kit" && mkdir -p "$kit/djl-native" "$kit/lib"

# DJL's JNI sources at the tag of the version in pom.xml
git -C "$djl_src" archive "v$djl_version" engines/pytorch/pytorch-native api/src/main/native \
    engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java | tar -x -C "$kit/djl-native"
m2="${M2_REPO:-$HOME/.m2/repository}"
engine_jars="$m2/ai/djl/api/$djl_version/api-$djl_version.jar:$m2/ai/djl/pytorch/pytorch-engine/$djl_version/pytorch-engine-$djl_version.jar"
javac -h "$kit/djl-native/engines/pytorch/pytorch-native/build/include" -d "$kit/djl-native/classes" -cp "$engine_jars" \
    "$kit/djl-native/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
rm -rf "$kit/djl-native/classes"

# a Java runtime small enough to carry
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
jlink --add-modules java.base,java.logging,java.management,java.xml,jdk.unsupported,java.sql \
    --strip-debug --no-header-files --no-man-pages --compress=0 --output "$kit/jre"
strip --strip-unneeded "$kit/jre/lib/server/libjvm.so"
cp -r "$java_home/include" "$kit/jre/include"

# the bench's jars: the project's own and their dependencies, without Kafka, Netty, RocksDB or the native CPU libtorch
(cd "$root" && ./mvnw -q -B -o -pl ops/cli -am -DskipTests package >/dev/null)
cp "$root"/ops/cli/target/twinloop-cli-*.jar "$kit/lib/"
# the service, stream and simulator jars are not on bench's path
tr ':' '\n' < "$root/ops/cli/target/classpath.txt" \
  | grep -Ev 'kafka|rocksdb|netty|scala|zstd|lz4|snappy|pytorch-native|pytorch-jni|pdfbox|fontbox|graphics2d|VectorGraphics2D|animated-gif|jline|prometheus|LatencyUtils|commons-codec|jackson-dataformat|log4j|commons-(validator|beanutils|digester|collections)|argparse4j|jose4j|metrics-core|caffeine|hash4j|re2j|pcollections|jopt|snakeyaml|micrometer|commons-math3|commons-compress|commons-io|protobuf-java|jackson-datatype|error_prone|jspecify|commons-logging|HdrHistogram|xchart|jhdf|progressbar' \
  | grep -Ev 'twinloop-(service|serving|stream|simulator|evaluation|experiments|closedloop|training|recordings|proto)' \
  | while read -r jar; do [[ -f "$jar" ]] && cp "$jar" "$kit/lib/"; done
cp -r "$fnn_src/fnn" "$kit/fnn-src-fnn" && mkdir -p "$kit/fnn" && mv "$kit/fnn-src-fnn" "$kit/fnn/fnn"
# the device machine takes 64 MiB with the working tree: carry the kit packed (xz halves the runtime)
tar -C "$root/target" -cJf "$root/target/gpu-kit.tar.xz" gpu-kit
du -sh "$kit"/* "$kit" "$root/target/gpu-kit.tar.xz"
