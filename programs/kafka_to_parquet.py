"""kafka_to_parquet: a team's example data job.

Reads everything new on the team's Kafka topic with Structured Streaming and
writes it as Parquet into the team's bucket, then stops (trigger availableNow,
so the SparkApplication completes). A checkpoint makes the next run resume
where this one ended. Finally it reads the Parquet back and prints one line:

    kafka_to_parquet {"topic": ..., "output": ..., "input_rows": N, "output_rows": M}

input_rows is what this run consumed, output_rows what the output holds now.

Usage: kafka_to_parquet.py TOPIC OUTPUT CHECKPOINT GROUP_ID_PREFIX
  e.g. alpha.events s3a://alpha-raw/events/ s3a://alpha-raw/_checkpoints/events alpha.spark

The Kafka credentials come from the environment, which the pod fills from the
team's Secrets, never from arguments or Spark properties (both are visible in
the SparkApplication and the Spark UI):
  KAFKA_BOOTSTRAP_SERVERS  host:port[,host:port...]
  KAFKA_SASL_JAAS_CONFIG   the ScramLoginModule line Strimzi's User Operator writes
S3A finds its keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY itself.
"""
import argparse
import json
import os
import sys

from pyspark.sql import SparkSession

RESULT_PREFIX = "kafka_to_parquet "


def required_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        sys.exit(f"kafka_to_parquet: environment variable {name} is not set (the pod takes it from the team's Kafka Secret)")
    return value


def main():
    parser = argparse.ArgumentParser(description="Copy a Kafka topic into Parquet files, then stop.")
    parser.add_argument("topic", help="the team's topic, e.g. alpha.events")
    parser.add_argument("output", help="where the Parquet goes, e.g. s3a://alpha-raw/events/")
    parser.add_argument("checkpoint", help="the stream's checkpoint, e.g. s3a://alpha-raw/_checkpoints/events")
    parser.add_argument("group_id_prefix", help="consumer groups the team's ACLs allow, e.g. alpha.spark")
    args = parser.parse_args()
    bootstrap = required_env("KAFKA_BOOTSTRAP_SERVERS")
    jaas = required_env("KAFKA_SASL_JAAS_CONFIG")

    spark = SparkSession.builder.appName(f"kafka_to_parquet {args.topic}").getOrCreate()

    events = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("kafka.security.protocol", "SASL_PLAINTEXT")
        .option("kafka.sasl.mechanism", "SCRAM-SHA-512")
        .option("kafka.sasl.jaas.config", jaas)
        .option("subscribe", args.topic)
        .option("startingOffsets", "earliest")
        # Spark names its consumer groups <prefix>-<uuid>; the broker only lets the
        # team's user join groups under the team's prefix.
        .option("groupIdPrefix", args.group_id_prefix)
        .load()
    )
    records = events.selectExpr(
        "CAST(key AS STRING) AS key",
        "CAST(value AS STRING) AS value",
        "topic",
        "partition",
        "offset",
        "timestamp",
    )

    # availableNow: take what is in the topic now, in as many batches as needed, then end.
    query = (
        records.writeStream.format("parquet")
        .option("path", args.output)
        .option("checkpointLocation", args.checkpoint)
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    input_rows = sum(progress["numInputRows"] for progress in query.recentProgress)

    output_rows = spark.read.parquet(args.output).count()
    result = {"topic": args.topic, "output": args.output, "input_rows": input_rows, "output_rows": output_rows}
    print(RESULT_PREFIX + json.dumps(result, sort_keys=True), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
