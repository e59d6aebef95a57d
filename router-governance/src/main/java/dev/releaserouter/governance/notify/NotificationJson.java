package dev.releaserouter.governance.notify;

import dev.releaserouter.api.notify.Notification;
import java.time.format.DateTimeFormatter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON body of a notification (format in {@code docs/notifications.md}). Stateless and
 * thread-safe.
 */
final class NotificationJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private NotificationJson() {}

    /**
     * @param n a notification
     * @return one JSON object on one line: {@code event_type}, {@code model}, {@code version},
     *     {@code actor}, {@code reason}, {@code ticket}, {@code time} (ISO-8601 UTC),
     *     {@code details}; a missing version or ticket is {@code null}
     */
    static String write(Notification n) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("event_type", n.type().wireName());
        root.put("model", n.model());
        root.put("version", n.version());
        root.put("actor", n.actor());
        root.put("reason", n.reason());
        root.put("ticket", n.ticket());
        root.put("time", DateTimeFormatter.ISO_INSTANT.format(n.time()));
        ObjectNode details = root.putObject("details");
        n.details().forEach(details::put);
        return MAPPER.writeValueAsString(root);
    }
}
