package dev.mnistfcn.serve;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The predictions waiting for a worker, taken in turn by client address: each client's own in the order they came,
 * the clients round-robin. A FIFO queue let one address that sent 40 pictures which cost seconds each to decode put a
 * minute between everyone else and an answer; here another client's prediction waits for at most one of each other
 * waiting client's. Bounded ({@code capacity} in all): full, {@link #offer} refuses and the server answers 503.
 *
 * <p>Why our own: the JDK's queues are FIFO or by priority, and a priority cannot say "whose turn". A
 * {@link java.util.concurrent.ThreadPoolExecutor} uses {@code offer}, {@code take}, {@code poll}, {@code remove} and
 * {@code drainTo}; a task that is not a {@link Task} counts as one client's ("").
 */
final class FairQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
    /** A prediction and the address of the client that asked for it. */
    record Task(String client, Runnable work) implements Runnable {
        @Override
        public void run() {
            work.run();
        }
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** Each waiting client's tasks, in the order the clients take their turns. */
    private final LinkedHashMap<String, ArrayDeque<Runnable>> byClient = new LinkedHashMap<>();
    private int size;

    FairQueue(int capacity) {
        this.capacity = capacity;
    }

    private static String client(Runnable r) {
        return r instanceof Task t ? t.client() : "";
    }

    @Override
    public boolean offer(Runnable r) {
        lock.lock();
        try {
            if (size == capacity) return false;
            byClient.computeIfAbsent(client(r), c -> new ArrayDeque<>()).addLast(r);
            size++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offer(Runnable r, long timeout, TimeUnit unit) {
        return offer(r); // never waits for room: a full queue is a 503
    }

    @Override
    public void put(Runnable r) {
        if (!offer(r)) throw new IllegalStateException("queue full");
    }

    /** The next client's first task, that client then last in turn; null when none waits. Under the lock. */
    private Runnable next() {
        Iterator<Map.Entry<String, ArrayDeque<Runnable>>> first = byClient.entrySet().iterator();
        if (!first.hasNext()) return null;
        Map.Entry<String, ArrayDeque<Runnable>> e = first.next();
        Runnable r = e.getValue().pollFirst();
        first.remove();
        if (!e.getValue().isEmpty()) byClient.put(e.getKey(), e.getValue()); // to the back of the round
        size--;
        return r;
    }

    @Override
    public Runnable poll() {
        lock.lock();
        try {
            return next();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                if (nanos <= 0) return null;
                nanos = notEmpty.awaitNanos(nanos);
            }
            return next();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (size == 0) notEmpty.await();
            return next();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Runnable peek() {
        lock.lock();
        try {
            return byClient.isEmpty() ? null : byClient.values().iterator().next().peekFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean remove(Object o) {
        if (!(o instanceof Runnable r)) return false;
        lock.lock();
        try {
            ArrayDeque<Runnable> tasks = byClient.get(client(r));
            if (tasks == null || !tasks.remove(r)) return false;
            if (tasks.isEmpty()) byClient.remove(client(r));
            size--;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int remainingCapacity() {
        return capacity - size();
    }

    /**
     * A snapshot, client by client in turn order (each client's tasks together, not interleaved as they are taken),
     * that cannot remove ({@code ThreadPoolExecutor.purge}, which would, is never called here; {@link #remove(Object)}
     * removes).
     */
    @Override
    public Iterator<Runnable> iterator() {
        lock.lock();
        try {
            List<Runnable> all = new ArrayList<>(size);
            for (ArrayDeque<Runnable> tasks : byClient.values()) all.addAll(tasks);
            return List.copyOf(all).iterator();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int drainTo(Collection<? super Runnable> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super Runnable> c, int max) {
        if (c == this) throw new IllegalArgumentException("cannot drain a queue into itself");
        lock.lock();
        try {
            int n = 0;
            for (Runnable r; n < max && (r = next()) != null; n++) c.add(r);
            return n;
        } finally {
            lock.unlock();
        }
    }
}
