package dev.releaserouter.cli;

import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.governance.notify.WebhookNotifier;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code notify}: sends one notification to a webhook and waits for its delivery (seed 004 §7
 * {@code notify.sh --channels}, §8 "comunicação": the window announcement before, the
 * post-change validation after). Exit status 0 delivered, 1 not delivered (after the retries),
 * 64 usage error.
 */
final class NotifyCommand {

    static final String HELP = String.join("\n",
            "Usage: release-router-cli notify --webhook URL --type TYPE --model M",
            "           --actor NAME --reason TEXT [--version V] [--ticket ID]",
            "           [--detail KEY=VALUE]... [--webhook-secret-env VAR] [--attempts N]",
            "",
            "POSTs one notification as JSON to URL and waits until it is delivered or its",
            "attempts (default 5, backoff from 0.5 s doubling) are used up. TYPE is one of",
            "announcement, version_registered, stage_transition, approval, promotion,",
            "alias_update, rollback, revocation, promotion_hold, hold_released,",
            "approval_expired, manifest_mismatch, release_published, rollout_decision.",
            "With --webhook-secret-env VAR, the body is signed with",
            "HMAC-SHA256 under the secret in $VAR (header X-Release-Router-Signature).",
            "",
            "Exit status: 0 delivered, 1 not delivered, 64 usage error. See",
            "docs/notifications.md.",
            "");

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, @Nullable String> env;
    private final Clock clock;

    NotifyCommand(PrintStream out, PrintStream err, Function<String, @Nullable String> env,
            Clock clock) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.clock = clock;
    }

    int run(String[] args) {
        Notification n;
        WebhookNotifier webhook;
        try {
            Flags f = Flags.parse(args, Set.of("--webhook", "--type", "--model", "--version",
                    "--actor", "--reason", "--ticket", "--webhook-secret-env", "--attempts"),
                    Set.of("--detail"), Set.of());
            if (f.help()) {
                out.print(HELP);
                return Main.PASS;
            }
            if (!f.arguments().isEmpty()) {
                throw new Flags.UsageError("unexpected argument '" + f.arguments().get(0)
                        + "'");
            }
            Notification.Type type;
            try {
                type = Notification.Type.of(f.required("--type"));
            } catch (IllegalArgumentException e) {
                throw new Flags.UsageError("--type: " + e.getMessage());
            }
            Notification.Builder b = Notification.builder(type, f.required("--model"))
                    .version(f.get("--version"))
                    .change(f.required("--actor"), f.required("--reason"), f.get("--ticket"))
                    .time(clock.instant());
            for (String detail : f.all("--detail")) {
                int eq = detail.indexOf('=');
                if (eq < 1) {
                    throw new Flags.UsageError("--detail must be KEY=VALUE, but was '" + detail
                            + "'");
                }
                b.detail(detail.substring(0, eq), detail.substring(eq + 1));
            }
            n = b.build();
            int attempts = attempts(f.get("--attempts", "5"));
            f.required("--webhook");
            webhook = PipelineCommand.webhook(f.get("--webhook"), f.get("--webhook-secret-env"),
                    env, attempts, Duration.ofMinutes(5));
        } catch (Flags.UsageError e) {
            return Flags.usage("notify", e.getMessage(), err);
        }
        webhook.send(n);
        webhook.close();
        WebhookNotifier.Stats s = webhook.stats();
        if (s.delivered() == 1) {
            out.println("notify: delivered " + n.type().wireName() + " for " + n.model()
                    + (n.version() == null ? "" : "/" + n.version()) + " (" + s.attempts()
                    + " attempt(s))");
            return Main.PASS;
        }
        err.println("notify: not delivered after " + s.attempts() + " attempt(s): "
                + s.lastError());
        return Main.FAIL;
    }

    private static int attempts(String value) throws Flags.UsageError {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= 20) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Flags.UsageError("--attempts must be a whole number from 1 to 20, but was '"
                + value + "'");
    }
}
