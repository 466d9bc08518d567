package dev.mnistfcn.serve;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each connection's two limits that Jetty does not have: at most {@link ServerLimits#perClient} open per client
 * address (beyond: closed as it opens), and a deadline for a request's headers. Jetty parses headers without holding a
 * thread, and its idle timeout is reset by every byte, so a client sending a byte every few seconds would otherwise
 * keep its connection for ever. The deadline runs from the connection's opening and again from each answer; it is
 * lifted while a request is being handled (its body has its own deadline: {@link BodyReader}).
 */
final class ClientGuard implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ClientGuard.class);
    private final ServerLimits limits;
    private final Scheduler scheduler;
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - 20_000_000_000L);

    ClientGuard(ServerLimits limits, Scheduler scheduler) {
        this.limits = limits;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        Watch watch = new Watch(connection, address);
        watches.put(connection, watch);
        if (address != null) {
            int n = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            if (n > limits.perClient()) {
                long now = System.nanoTime();
                long last = lastWarning.get();
                if (now - last > 10_000_000_000L && lastWarning.compareAndSet(last, now)) { // a flood logs a line per 10 s
                    LOG.warn("{} has {} connections open, over the limit of {}: closing the newest",
                            address.getHostAddress(), n, limits.perClient());
                }
                connection.getEndPoint().close();
                return;
            }
        }
        watch.arm();
    }

    @Override
    public void onClosed(Connection connection) {
        Watch watch = watches.remove(connection);
        if (watch == null) return;
        watch.disarm();
        if (watch.address != null) {
            perAddress.computeIfPresent(watch.address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    /** A request on {@code connection} has its headers: its header deadline is lifted. */
    void requestStarted(Connection connection) {
        Watch watch = watches.get(connection);
        if (watch != null) watch.disarm();
    }

    /** A request on {@code connection} was answered: the next one's headers have their deadline from now. */
    void requestDone(Connection connection) {
        Watch watch = watches.get(connection);
        if (watch != null) watch.arm();
    }

    /**
     * The server is stopping: each connection between requests closes after {@code idleMillis} without a byte; those
     * with a request in flight keep their idle timeout, so that a body still arriving can finish (the stop waits for
     * them; its answer then closes the connection).
     */
    void stopping(long idleMillis) {
        for (Watch watch : watches.values()) {
            if (watch.betweenRequests()) watch.connection.getEndPoint().setIdleTimeout(idleMillis);
        }
    }

    /** Connections open from {@code address}, for tests. */
    int connections(InetAddress address) {
        AtomicInteger n = perAddress.get(address);
        return n == null ? 0 : n.get();
    }

    private static InetAddress address(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    private final class Watch {
        final Connection connection;
        final InetAddress address;
        private Scheduler.Task deadline;
        private long generation; // which arm() a firing deadline belongs to: a cancelled one may still run

        Watch(Connection connection, InetAddress address) {
            this.connection = connection;
            this.address = address;
        }

        synchronized void arm() {
            if (deadline != null) deadline.cancel();
            long g = ++generation;
            deadline = scheduler.schedule(() -> expire(g), limits.headerTime().toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Armed: waiting for a request's headers, not handling one. */
        synchronized boolean betweenRequests() {
            return deadline != null;
        }

        synchronized void disarm() {
            if (deadline != null) deadline.cancel();
            deadline = null;
        }

        private void expire(long g) {
            synchronized (this) {
                if (deadline == null || g != generation) return; // a request started meanwhile
                deadline = null;
            }
            LOG.debug("{}: no complete request headers within {}; closing", address, limits.headerTime());
            connection.getEndPoint().close();
        }
    }
}
