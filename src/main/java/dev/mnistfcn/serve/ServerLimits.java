package dev.mnistfcn.serve;

import java.time.Duration;
import java.util.Set;

/**
 * How much of the server one client, or all of them, may hold (issue 24: eight clients sending a byte every 3 s used
 * to stall it). Defaults: {@link #DEFAULTS}.
 *
 * @param perClient    connections one client address may have open; more are closed as they arrive
 * @param total        connections open in all; more wait in the accept queue
 * @param headerTime   a connection must send its request's headers within this of opening, or of its previous answer
 *                     (an idle kept-alive connection is closed after it too)
 * @param bodyTime     a request body must arrive whole within this of its headers
 * @param goneRunTime  a live stream ({@code /api/runs/NAME/events}) whose run or sweep has had no readable file this
 *                     long ends, freeing its slot (the folder was deleted): a fresh start's moving the earlier run
 *                     aside leaves the folder without one for a moment only
 * @param allowedHosts names besides localhost and IP addresses that the Host header may carry ({@code --allow-host})
 */
public record ServerLimits(int perClient, int total, Duration headerTime, Duration bodyTime, Duration goneRunTime,
                           Set<String> allowedHosts) {
    /**
     * 128 per address: a browser opens 6, a load tester or a proxy in front many more; what one address may hold is
     * bounded by the header and body deadlines, since waiting for bytes holds no thread. 10 s for headers (a browser
     * sends them in one packet), 30 s for a 10 MiB body (about 3 Mbit/s), 10 s for a run's files to come back.
     */
    public static final ServerLimits DEFAULTS = new ServerLimits(128, 1000, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(10), Set.of());

    public ServerLimits {
        allowedHosts = Set.copyOf(allowedHosts);
        if (perClient < 1 || total < 1 || headerTime.isNegative() || headerTime.isZero() || bodyTime.isNegative()
                || bodyTime.isZero() || goneRunTime.isNegative() || goneRunTime.isZero()) {
            throw new IllegalArgumentException("limits must be positive: " + perClient + ", " + total + ", "
                    + headerTime + ", " + bodyTime + ", " + goneRunTime);
        }
    }

    public ServerLimits withAllowedHosts(Set<String> hosts) {
        return new ServerLimits(perClient, total, headerTime, bodyTime, goneRunTime, hosts);
    }
}
