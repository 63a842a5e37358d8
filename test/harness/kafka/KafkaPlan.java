// Runs a plan of Kafka operations in one JVM, because each JVM start costs
// several seconds on a loaded two-core machine: the admin steps the Strimzi
// emulator needs (topics, SCRAM credentials, ACLs, quotas, as Strimzi's Topic
// and User Operators make them through the same Admin API), what a test reads
// back, and a team's produce and consume as a client.
//
// Input (stdin): {"bootstrap": "...", "admin": {client properties}, "steps": [{"op": ..., ...}]}.
// Output (stdout): {"results": [{"ok": true, ...} | {"ok": false, "error": "<exception class>", "message": "..."}]}.
// A step that fails does not stop the plan: a refusal is what some steps test.
// Logs go to stderr (the harness's log4j2 configuration).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class KafkaPlan {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        JsonNode plan = JSON.readTree(System.in);
        String bootstrap = plan.get("bootstrap").asText();
        ArrayNode results = JSON.createArrayNode();
        try (Admin admin = Admin.create(properties(bootstrap, plan.get("admin")))) {
            for (JsonNode step : plan.get("steps")) {
                ObjectNode result = JSON.createObjectNode();
                try {
                    run(admin, bootstrap, step, result);
                    result.put("ok", true);
                } catch (Exception error) {
                    Throwable cause = error instanceof ExecutionException && error.getCause() != null ? error.getCause() : error;
                    result.removeAll();
                    result.put("ok", false);
                    result.put("error", cause.getClass().getName());
                    result.put("message", String.valueOf(cause.getMessage()));
                }
                results.add(result);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("results", results);
        System.out.println(JSON.writeValueAsString(out));
        // Client threads must not keep the JVM alive.
        System.exit(0);
    }

    private static void run(Admin admin, String bootstrap, JsonNode step, ObjectNode result) throws Exception {
        String op = step.get("op").asText();
        switch (op) {
            case "ensureTopic" -> ensureTopic(admin, step, result);
            case "upsertScram" -> upsertScram(admin, step);
            case "syncAcls" -> syncAcls(admin, step, result);
            case "syncQuotas" -> syncQuotas(admin, step);
            case "describeTopic" -> describeTopic(admin, step, result);
            case "describeAcls" -> describeAcls(admin, step, result);
            case "describeQuotas" -> describeQuotas(admin, step, result);
            case "produce" -> produce(bootstrap, step, result);
            case "consume" -> consume(bootstrap, step, result);
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
    }

    // --- Topic Operator ---------------------------------------------------

    private static void ensureTopic(Admin admin, JsonNode step, ObjectNode result) throws Exception {
        String name = step.get("name").asText();
        Map<String, String> config = strings(step.get("config"));
        Optional<Integer> partitions = step.hasNonNull("partitions") ? Optional.of(step.get("partitions").asInt()) : Optional.empty();
        Optional<Short> replicas = step.hasNonNull("replicas") ? Optional.of((short) step.get("replicas").asInt()) : Optional.empty();
        TopicDescription existing = null;
        try {
            existing = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
        } catch (ExecutionException error) {
            if (!(error.getCause() instanceof UnknownTopicOrPartitionException)) throw error;
        }
        if (existing == null) {
            admin.createTopics(List.of(new NewTopic(name, partitions, replicas).configs(config))).all().get();
            result.put("created", true);
            return;
        }
        // As the Topic Operator: partitions only grow, replicas need Cruise Control, config is set key by key.
        int current = existing.partitions().size();
        if (partitions.isPresent() && partitions.get() < current) {
            throw new IllegalStateException("topic " + name + " has " + current + " partitions; decreasing to " + partitions.get() + " is not supported");
        }
        if (partitions.isPresent() && partitions.get() > current) {
            admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions.get()))).all().get();
        }
        List<AlterConfigOp> ops = new ArrayList<>();
        config.forEach((key, value) -> ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)));
        if (!ops.isEmpty()) admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, name), ops)).all().get();
        result.put("created", false);
    }

    // --- User Operator ----------------------------------------------------

    private static void upsertScram(Admin admin, JsonNode step) throws Exception {
        ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, step.get("iterations").asInt());
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(step.get("user").asText(), info, step.get("password").asText())))
            .all().get();
    }

    /** Makes the principal's ACLs exactly the given ones: missing ones are created, others deleted. */
    private static void syncAcls(Admin admin, JsonNode step, ObjectNode result) throws Exception {
        String principal = step.get("principal").asText();
        Set<AclBinding> desired = new HashSet<>();
        for (JsonNode acl : step.get("acls")) {
            desired.add(new AclBinding(
                new ResourcePattern(ResourceType.valueOf(acl.get("resourceType").asText()), acl.get("name").asText(), PatternType.valueOf(acl.get("patternType").asText())),
                new AccessControlEntry(principal, acl.get("host").asText(), AclOperation.valueOf(acl.get("operation").asText()),
                    AclPermissionType.valueOf(acl.get("permission").asText()))));
        }
        Set<AclBinding> existing = new HashSet<>(admin.describeAcls(principalFilter(principal)).values().get());
        List<AclBinding> create = desired.stream().filter(acl -> !existing.contains(acl)).toList();
        List<AclBindingFilter> delete = existing.stream().filter(acl -> !desired.contains(acl)).map(AclBinding::toFilter).toList();
        if (!create.isEmpty()) admin.createAcls(create).all().get();
        if (!delete.isEmpty()) admin.deleteAcls(delete).all().get();
        result.put("created", create.size());
        result.put("deleted", delete.size());
    }

    /** Sets the user entity's quotas to exactly the given ones (null removes a quota). */
    private static void syncQuotas(Admin admin, JsonNode step) throws Exception {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, step.get("user").asText()));
        Map<String, Double> current = admin.describeClientQuotas(userFilter(step.get("user").asText())).entities().get().getOrDefault(entity, Map.of());
        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
        JsonNode quotas = step.get("quotas");
        quotas.fields().forEachRemaining(entry -> ops.add(new ClientQuotaAlteration.Op(entry.getKey(), entry.getValue().asDouble())));
        for (String key : current.keySet()) {
            if (!quotas.has(key)) ops.add(new ClientQuotaAlteration.Op(key, null));
        }
        if (!ops.isEmpty()) admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, ops))).all().get();
    }

    // --- Reading back -----------------------------------------------------

    private static void describeTopic(Admin admin, JsonNode step, ObjectNode result) throws Exception {
        String name = step.get("name").asText();
        TopicDescription topic = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
        result.put("partitions", topic.partitions().size());
        result.put("replicationFactor", topic.partitions().get(0).replicas().size());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        ObjectNode set = result.putObject("config");
        for (ConfigEntry entry : config.entries()) {
            if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) set.put(entry.name(), entry.value());
        }
    }

    private static void describeAcls(Admin admin, JsonNode step, ObjectNode result) throws Exception {
        ArrayNode acls = result.putArray("acls");
        for (AclBinding acl : admin.describeAcls(principalFilter(step.get("principal").asText())).values().get()) {
            ObjectNode node = acls.addObject();
            node.put("resourceType", acl.pattern().resourceType().name());
            node.put("name", acl.pattern().name());
            node.put("patternType", acl.pattern().patternType().name());
            node.put("operation", acl.entry().operation().name());
            node.put("permission", acl.entry().permissionType().name());
            node.put("host", acl.entry().host());
        }
    }

    private static void describeQuotas(Admin admin, JsonNode step, ObjectNode result) throws Exception {
        String user = step.get("user").asText();
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user));
        ObjectNode quotas = result.putObject("quotas");
        admin.describeClientQuotas(userFilter(user)).entities().get().getOrDefault(entity, Map.of()).forEach(quotas::put);
    }

    // --- A team's client ----------------------------------------------------

    private static void produce(String bootstrap, JsonNode step, ObjectNode result) throws Exception {
        Properties props = properties(bootstrap, step.get("client"));
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        // A refused producer fails within the step instead of blocking for the default minute.
        props.putIfAbsent("max.block.ms", "15000");
        props.putIfAbsent("delivery.timeout.ms", "20000");
        props.putIfAbsent("request.timeout.ms", "10000");
        String topic = step.get("topic").asText();
        int count = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (JsonNode value : step.get("values")) {
                producer.send(new ProducerRecord<>(topic, value.asText())).get();
                count++;
            }
        }
        result.put("produced", count);
    }

    private static void consume(String bootstrap, JsonNode step, ObjectNode result) throws Exception {
        Properties props = properties(bootstrap, step.get("client"));
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        String topic = step.get("topic").asText();
        boolean inGroup = step.hasNonNull("group");
        if (inGroup) props.put("group.id", step.get("group").asText());
        props.putIfAbsent("auto.offset.reset", "earliest");
        int want = step.get("count").asInt();
        long deadline = System.currentTimeMillis() + step.path("timeoutMs").asLong(30_000);
        ArrayNode values = result.putArray("values");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            if (inGroup) {
                consumer.subscribe(List.of(topic));
            } else {
                // No group: every partition from the start, as a reader that commits nothing.
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            }
            while (values.size() < want && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) values.add(record.value());
            }
            if (inGroup) consumer.commitSync();
        }
    }

    // --- Helpers ----------------------------------------------------------

    private static AclBindingFilter principalFilter(String principal) {
        return new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
    }

    private static ClientQuotaFilter userFilter(String user) {
        return ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user)));
    }

    private static Properties properties(String bootstrap, JsonNode node) {
        Properties props = new Properties();
        props.putAll(strings(node));
        props.put("bootstrap.servers", bootstrap);
        return props;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        if (node != null) node.fields().forEachRemaining(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }
}
