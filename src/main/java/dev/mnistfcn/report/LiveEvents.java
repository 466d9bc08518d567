package dev.mnistfcn.report;

import java.util.List;

/** What the server's event stream follows, a run ({@link RunEvents}) or a sweep ({@link SweepEvents}). */
public interface LiveEvents {
    /** JSON texts new since the last call, each one event; the last one tells a state other than running. */
    List<String> poll();

    /** Whether the last event was sent: the stream ends. */
    boolean ended();

    /** Whether the last {@link #poll} found no readable file (the folder deleted, or between a fresh start's moves). */
    boolean missing();
}
