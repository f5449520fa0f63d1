#!/usr/bin/env bash
# What the test suite needs beyond `npm ci`: the real clients and reference tools the tests check kt
# against. Run by `npm test` (the `pretest` script) and by .ci/run. When something is missing it is
# installed with apt-get as root (a fresh Debian machine or container); otherwise this prints what to
# install and exits 1, so the suite never starts half-equipped and never skips a test for a missing tool.
set -euo pipefail

missing=()   # Debian packages to install
command -v kcat >/dev/null || missing+=(kcat)             # librdkafka's CLI: produce/consume tests
command -v script >/dev/null || missing+=(bsdutils)       # util-linux `script`: a pseudo-terminal for the terminal tests
command -v lz4 >/dev/null || missing+=(lz4)               # reference codecs the record tests compare with
command -v zstd >/dev/null || missing+=(zstd)
# Debian's Python clients live under /usr/bin/python3 (the tests call that interpreter by path).
/usr/bin/python3 -c 'import kafka' 2>/dev/null || missing+=(python3-kafka)
/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null || missing+=(python3-confluent-kafka)

# --- Java client tests (test/java/**): a JDK and Maven fetch and run org.apache.kafka:kafka-clients.
command -v javac >/dev/null || missing+=(default-jdk-headless)   # javac: Maven compiles test/java
command -v mvn >/dev/null || missing+=(maven)
# --- end of Java client tests.

# --- Cluster tests (test/cluster/**): nodes in network namespaces of the test's own (test/helpers/netns.ts),
# cut off from each other with `ip rule` in a hub namespace. They need root and iproute2's `ip`.
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
# --- end of cluster tests.

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test-deps: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test-deps: the tests need these Debian packages, which are not installed: ${missing[*]}" >&2
    echo "test-deps: install them (sudo apt-get install -y ${missing[*]}), or run npm test as root on Debian to have them installed" >&2
    exit 1
  fi
fi

# The Java client tests' jars (org.apache.kafka:kafka-clients) come from Maven Central into ~/.m2 and
# test/java is compiled once here, so no test waits on a download.
cd "$(dirname "$0")/.."
mvn_log=$(mktemp)
if ! mvn -q -B -f test/java/pom.xml process-classes >"$mvn_log" 2>&1; then
  cat "$mvn_log" >&2
  rm -f "$mvn_log"
  echo "test-deps: building test/java (the Java client's tests) failed" >&2
  exit 1
fi
rm -f "$mvn_log"

# --- Apache Kafka's own tools (test/java-tools): the kafka-tools jar and its dependencies, copied to
# test/java-tools/target/lib once here, for the tests that run kafka-metadata-quorum against kt.
mvn_log=$(mktemp)
if ! mvn -q -B -f test/java-tools/pom.xml process-classes >"$mvn_log" 2>&1; then
  cat "$mvn_log" >&2
  rm -f "$mvn_log"
  echo "test-deps: fetching test/java-tools (org.apache.kafka:kafka-tools) failed" >&2
  exit 1
fi
rm -f "$mvn_log"
# --- end of Apache Kafka's own tools.
