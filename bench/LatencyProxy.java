import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 that adds a fixed delay to every round trip: it holds back what the
 * client sends for DELAY milliseconds before passing it on to the server, in order; the server's
 * answers go back at once. Simulates a remote database for bench/scale.sh.
 *
 * <pre>java bench/LatencyProxy.java LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS</pre>
 *
 * LISTEN_PORT 0 picks a free port. Prints "listening on 127.0.0.1:PORT" when ready; at the end
 * (SIGTERM) "connections N, client chunks delayed M". Source-launch mode, not part of the build.
 */
public final class LatencyProxy {
    private static final AtomicLong CONNECTIONS = new AtomicLong();
    private static final AtomicLong CHUNKS = new AtomicLong();

    private static final long SPIN_NS = 150_000;

    private record Chunk(long due, byte[] data) {
    }

    private static final Chunk END = new Chunk(0, new byte[0]);

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: java bench/LatencyProxy.java LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS");
            System.exit(2);
        }
        int listen;
        int targetPort;
        double delayMs;
        try {
            listen = Integer.parseInt(args[0]);
            targetPort = Integer.parseInt(args[2]);
            delayMs = Double.parseDouble(args[3]);
        } catch (NumberFormatException e) {
            System.err.println("LatencyProxy: ports and delay must be numbers: " + String.join(" ", args));
            System.exit(2);
            return;
        }
        if (listen < 0 || listen > 65535 || targetPort < 1 || targetPort > 65535 || delayMs < 0) {
            System.err.println("LatencyProxy: ports 0..65535, delay >= 0");
            System.exit(2);
        }
        String targetHost = args[1];
        long delayNs = (long) (delayMs * 1_000_000);
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen), 128);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("connections " + CONNECTIONS.get()
                + ", client chunks delayed " + CHUNKS.get())));
        System.out.println("listening on 127.0.0.1:" + server.getLocalPort());
        System.out.flush();
        while (true) {
            Socket client = server.accept();
            CONNECTIONS.incrementAndGet();
            daemon(() -> connect(client, targetHost, targetPort, delayNs));
        }
    }

    private static void connect(Socket client, String host, int port, long delayNs) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(host, port));
        } catch (IOException e) {
            close(client, upstream);
            return;
        }
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        // client -> queue: stamped with the time it may go on
        daemon(() -> {
            byte[] buf = new byte[65536];
            try (InputStream in = client.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    queue.put(new Chunk(System.nanoTime() + delayNs, Arrays.copyOf(buf, n)));
                    CHUNKS.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                // connection ended
            } finally {
                queue.add(END);
            }
        });
        // queue -> server, each chunk when it is due, in order
        daemon(() -> {
            try (OutputStream out = upstream.getOutputStream()) {
                while (true) {
                    Chunk c = queue.take();
                    if (c == END) {
                        break;
                    }
                    long wait;
                    while ((wait = c.due() - System.nanoTime()) > 0) {
                        if (wait > SPIN_NS) {
                            LockSupport.parkNanos(wait - SPIN_NS); // the timer wakes late by up to ~0.1 ms
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    out.write(c.data());
                    out.flush();
                }
                upstream.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                close(client, upstream);
            }
        });
        // server -> client, at once
        try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // connection ended
        } finally {
            close(client, upstream);
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket a, Socket b) {
        try {
            a.close();
        } catch (IOException e) {
            // nothing to do
        }
        try {
            b.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
