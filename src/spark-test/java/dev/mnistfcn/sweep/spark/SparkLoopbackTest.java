package dev.mnistfcn.sweep.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spark on {@code local[N]} keeps all its traffic on 127.0.0.1: by default it binds the driver to the machine's
 * network interface (this machine's name resolves to loopback, so Spark picks eth0) and its web UI to 0.0.0.0.
 * Checked from the kernel's side, not Spark's: every TCP socket this JVM listens on while the context is up.
 */
class SparkLoopbackTest {
    /** A listening socket: its address and port as the kernel reports them. */
    record Listener(String address, int port) {
    }

    @Test
    void everySocketThisJvmListensOnIsBoundTo127001() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
        try (SparkEngine engine = new SparkEngine("local[2]")) {
            JavaSparkContext sc = engine.context();
            List<Listener> listening = listeningSockets();
            SparkConf conf = sc.getConf();
            // Not vacuous: the driver's RPC endpoint and its block manager are among the sockets found.
            int rpc = Integer.parseInt(conf.get("spark.driver.port"));
            int blocks = SparkEnv.get().blockManager().blockManagerId().port();
            Set<Integer> ports = new HashSet<>(listening.stream().map(Listener::port).toList());
            assertTrue(ports.contains(rpc) && ports.contains(blocks),
                    "driver port " + rpc + " and block manager port " + blocks + " among " + listening);
            for (Listener l : listening) assertEquals("127.0.0.1", l.address(), "listening socket " + l + " of " + listening);
            assertEquals("127.0.0.1", conf.get("spark.driver.host"));
            assertEquals("127.0.0.1", conf.get("spark.driver.bindAddress"));
            assertEquals("false", conf.get("spark.ui.enabled"));
            assertTrue(sc.sc().uiWebUrl().isEmpty(), "no web UI");
        }
    }

    /** TCP sockets in state LISTEN (0A) whose inodes are among this process's open file descriptors. */
    static List<Listener> listeningSockets() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException e) {
                    // closed while listing (the directory stream's own fd, among others)
                }
            }
        }
        List<Listener> out = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                String[] f = line.trim().split("\\s+");
                if (!f[3].equals("0A") || !inodes.contains(f[9])) continue;
                String[] local = f[1].split(":");
                out.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16)));
            }
        }
        return out;
    }

    /**
     * The kernel's hex address: 32-bit words in host (little-endian) byte order. An IPv4-mapped IPv6 address
     * (a Java socket bound to 127.0.0.1 on a dual-stack socket) comes back as IPv4 from InetAddress.
     */
    static String address(String hex) throws IOException {
        byte[] b = new byte[hex.length() / 2];
        for (int word = 0; word < b.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
            }
        }
        return InetAddress.getByAddress(b).getHostAddress();
    }
}
