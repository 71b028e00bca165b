#!/bin/bash
# Writes server.properties from KAFKA_* variables, formats the log dir on first start, runs the broker.
#   KAFKA_NODE_ID (1)  KAFKA_HOST (127.0.0.1)  KAFKA_PORT (9092)  KAFKA_CONTROLLER_PORT (9093)
#   KAFKA_VOTERS (<id>@<host>:<controller port>,...; default this node alone)
#   KAFKA_CLUSTER_ID (the same on every node)  KAFKA_REPLICATION (1)  KAFKA_MIN_ISR (1)
#   KAFKA_HEAP (-Xmx512m)
set -euo pipefail
node="${KAFKA_NODE_ID:-1}"
host="${KAFKA_HOST:-127.0.0.1}"
port="${KAFKA_PORT:-9092}"
controller="${KAFKA_CONTROLLER_PORT:-9093}"
voters="${KAFKA_VOTERS:-${node}@${host}:${controller}}"
replication="${KAFKA_REPLICATION:-1}"
min_isr="${KAFKA_MIN_ISR:-1}"
data=/var/lib/kafka/data
config=/var/lib/kafka/server.properties
cat > "${config}" <<PROPERTIES
process.roles=broker,controller
node.id=${node}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controller}
advertised.listeners=PLAINTEXT://${host}:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${data}
num.partitions=1
default.replication.factor=${replication}
min.insync.replicas=${min_isr}
offsets.topic.replication.factor=${replication}
transaction.state.log.replication.factor=${replication}
transaction.state.log.min.isr=${min_isr}
share.coordinator.state.topic.replication.factor=${replication}
share.coordinator.state.topic.min.isr=${min_isr}
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPERTIES
if [ ! -f "${data}/meta.properties" ]; then
    java -cp '/opt/kafka/lib/*' kafka.tools.StorageTool format \
        "--cluster-id=${KAFKA_CLUSTER_ID:?KAFKA_CLUSTER_ID must be set}" -c "${config}"
fi
# shellcheck disable=SC2086 # KAFKA_HEAP may hold several JVM options
exec java ${KAFKA_HEAP:--Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true \
    -cp '/opt/kafka/lib/*' kafka.Kafka "${config}"
