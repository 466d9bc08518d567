package dev.mnistfcn.digits;

import javax.imageio.stream.ImageInputStreamImpl;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JDK's {@code FileImageInputStream}, opened from a {@link Path} rather than a {@code java.io.File}: a File is
 * named by the path's String, so a file whose name the locale cannot spell (LANG=C, or a byte that is not UTF-8),
 * found in a folder, did not open ("No such file"). The channel keeps the name's own bytes. Seekable and read on
 * demand as that stream is: a huge file is refused from its header without being read.
 */
final class ChannelImageInput extends ImageInputStreamImpl {
    private final SeekableByteChannel channel;
    private final byte[] one = new byte[1];

    ChannelImageInput(Path file) throws IOException {
        this.channel = Files.newByteChannel(file);
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        bitOffset = 0;
        if (len == 0) return 0;
        channel.position(streamPos);
        int n = channel.read(ByteBuffer.wrap(b, off, len));
        if (n > 0) streamPos += n;
        return n;
    }

    @Override
    public long length() {
        try {
            return channel.size();
        } catch (IOException e) {
            return -1L; // "unknown", as ImageInputStream allows
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        channel.close();
    }
}
