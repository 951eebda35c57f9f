#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, combined broker + controller on loopback) from the Apache jars on
# Maven Central, for tests, CI, benchmarks and local development. Needs Java 17+ and Maven.
#
#   scripts/kafka-broker.sh fetch                 download the jars once into the cache; prints the lib directory
#   scripts/kafka-broker.sh start DIR [PORT]      format DIR and start a broker there; prints host:port once it answers
#   scripts/kafka-broker.sh stop DIR              stop the broker started in DIR (SIGTERM, then SIGKILL after 30 s)
#   scripts/kafka-broker.sh classpath             prints the java classpath (for the broker's own tools)
#
# Environment: KAFKA_VERSION (default below), KEYTRAIL_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/keytrail),
# KAFKA_HEAP (default 512m), KEYTRAIL_KAFKA_WATCH_PID (stop the broker when that process is gone),
# KAFKA_START_TIMEOUT_S (default 120).
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
SCALA_VERSION="2.13"
LOG4J_VERSION="2.26.1"
CACHE_DIR="${KEYTRAIL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keytrail}"
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
LIB_DIR="$KAFKA_HOME/libs"

die() { echo "kafka-broker: $*" >&2; exit 1; }

# The POM whose runtime dependencies are the broker: kafka_2.13 (kafka.Kafka, kafka.tools.StorageTool),
# kafka-tools (ProducerPerformance) and, because the jars bring no logging backend, Log4j 2 with its slf4j binding.
write_pom() {
  cat >"$1" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>keytrail.local</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_$SCALA_VERSION</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-api</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-1.2-api</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
}

fetch() {
  [ -f "$KAFKA_HOME/.complete" ] && { echo "$LIB_DIR"; return 0; }
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka jars; install it (Debian: apt-get install maven)"
  command -v java >/dev/null || die "Java 17+ is needed to run the Kafka broker"
  mkdir -p "$KAFKA_HOME"
  # One fetch at a time: tests, benchmarks and developers may ask at once.
  exec 9>"$KAFKA_HOME/.lock"
  flock 9
  if [ ! -f "$KAFKA_HOME/.complete" ]; then
    echo "kafka-broker: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $LIB_DIR" >&2
    write_pom "$KAFKA_HOME/pom.xml"
    rm -rf "$LIB_DIR.partial"
    mvn -B -q -f "$KAFKA_HOME/pom.xml" -Dmaven.repo.local="$CACHE_DIR/m2" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIB_DIR.partial" >&2 \
      || die "Maven could not fetch org.apache.kafka:kafka_$SCALA_VERSION:$KAFKA_VERSION and its dependencies"
    rm -rf "$LIB_DIR"
    mv "$LIB_DIR.partial" "$LIB_DIR"
    cat >"$KAFKA_HOME/log4j2.properties" <<'EOF'
# Broker logs go to DIR/server.log (the script reads it to know when the broker is up).
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
    touch "$KAFKA_HOME/.complete"
  fi
  flock -u 9
  echo "$LIB_DIR"
}

classpath() { fetch >/dev/null; echo "$LIB_DIR/*"; }

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

write_config() {
  local dir="$1" port="$2" controller_port="$3"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
# A single node cannot hold the default three replicas of the internal topics.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join and leave groups constantly; the default 3 s initial delay only slows them.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

is_running() { [ -f "$1/broker.pid" ] && kill -0 "$(cat "$1/broker.pid")" 2>/dev/null; }

start() {
  local dir="${1:?start needs a directory}" port="${2:-}"
  command -v java >/dev/null || die "Java 17+ is needed to run the Kafka broker (Debian: apt-get install openjdk-17-jre-headless)"
  fetch >/dev/null
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  is_running "$dir" && die "a broker is already running from $dir (pid $(cat "$dir/broker.pid"))"
  local attempt
  for attempt in 1 2 3; do
    local broker_port="${port:-$(free_port)}" controller_port
    controller_port="$(cat "$dir/controller.port" 2>/dev/null || free_port)"
    [ -f "$dir/data/meta.properties" ] && broker_port="${port:-$(cat "$dir/broker.port")}"
    write_config "$dir" "$broker_port" "$controller_port"
    if [ ! -f "$dir/data/meta.properties" ]; then
      java -cp "$LIB_DIR/*" -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" -Dkafka.logs.dir="$dir" \
        kafka.tools.StorageTool format -t "$(java -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
        -c "$dir/server.properties" >"$dir/format.log" 2>&1 || die "formatting KRaft storage failed: $(tail -5 "$dir/format.log")"
    fi
    echo "$broker_port" >"$dir/broker.port"
    echo "$controller_port" >"$dir/controller.port"
    : >"$dir/server.log"
    setsid java -Xmx"${KAFKA_HEAP:-512m}" -Xms"${KAFKA_HEAP:-512m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" -Dkafka.logs.dir="$dir" \
      -cp "$LIB_DIR/*" kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
    echo $! >"$dir/broker.pid"
    if wait_ready "$dir" "$broker_port"; then
      watch_parent "$dir"
      echo "127.0.0.1:$broker_port"
      return 0
    fi
    if grep -q 'Address already in use' "$dir/server.log" "$dir/stdout.log" && [ -z "$port" ]; then
      stop "$dir" >/dev/null
      rm -f "$dir/controller.port"
      echo "kafka-broker: port taken, retrying (attempt $attempt)" >&2
      continue
    fi
    stop "$dir" >/dev/null || true
    die "the broker in $dir did not start; last log lines:
$(tail -20 "$dir/server.log" "$dir/stdout.log" 2>/dev/null)"
  done
  die "no free port found for the broker after 3 attempts"
}

# Ready = the server logged that it started and its port accepts connections (bash's /dev/tcp).
wait_ready() {
  local dir="$1" port="$2" deadline=$((SECONDS + ${KAFKA_START_TIMEOUT_S:-120}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null || return 1
    if grep -q 'Kafka Server started' "$dir/server.log" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "kafka-broker: timed out after ${KAFKA_START_TIMEOUT_S:-120}s waiting for the broker" >&2
  return 1
}

# When the caller (a test run) dies without stopping the broker, stop it anyway.
watch_parent() {
  local dir="$1" parent="${KEYTRAIL_KAFKA_WATCH_PID:-}"
  [ -z "$parent" ] && return 0
  local pid; pid="$(cat "$dir/broker.pid")"
  (
    while kill -0 "$parent" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 2; done
    kill -0 "$pid" 2>/dev/null && "$0" stop "$dir" >/dev/null 2>&1
  ) </dev/null >/dev/null 2>&1 &
  disown
}

stop() {
  local dir="${1:?stop needs a directory}"
  [ -f "$dir/broker.pid" ] || { echo "kafka-broker: no broker.pid in $dir" >&2; return 0; }
  local pid; pid="$(cat "$dir/broker.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "kafka-broker: broker $pid ignored SIGTERM for 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$dir/broker.pid"
  echo "stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  classpath) classpath ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
