// Formats the broker's KRaft log directory, then runs the broker, in one JVM:
// StorageTool in a JVM of its own would cost another 4–6 s start on a loaded
// two-core machine.
//
// Usage: FormatAndStart <server.properties> <cluster id>; the admin's SCRAM
// credential (StorageTool's --add-scram value) comes from the environment
// variable KAFKA_HARNESS_ADD_SCRAM, so that it never shows in `ps`.
public class FormatAndStart {
    public static void main(String[] args) throws Exception {
        String properties = args[0];
        String clusterId = args[1];
        String scram = System.getenv("KAFKA_HARNESS_ADD_SCRAM");
        if (scram == null) throw new IllegalStateException("KAFKA_HARNESS_ADD_SCRAM is not set");
        int formatted = kafka.tools.StorageTool.execute(
            new String[] {"format", "--cluster-id", clusterId, "--config", properties, "--add-scram", scram}, System.out);
        if (formatted != 0) System.exit(formatted);
        kafka.Kafka.main(new String[] {properties});
    }
}
