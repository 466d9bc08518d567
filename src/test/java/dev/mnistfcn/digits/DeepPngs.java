package dev.mnistfcn.digits;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Valid PNGs that are small on the wire and huge decoded: 16-bit RGBA (8 bytes a pixel), all transparent black, so
 * that the pixel data deflates a thousandfold. 30,000,000×1 is 233 KB as a file and 240 MB decoded (issue 24).
 */
public final class DeepPngs {
    private DeepPngs() {
    }

    public static byte[] rgba16(int width, int height) {
        try {
            var out = new ByteArrayOutputStream();
            var data = new DataOutputStream(out);
            data.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            var header = new ByteArrayOutputStream();
            var h = new DataOutputStream(header);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[]{16, 6, 0, 0, 0}); // 16 bits a sample, RGBA, deflate, adaptive filters, no interlace
            chunk(data, "IHDR", header.toByteArray());
            var idat = new ByteArrayOutputStream();
            try (var z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
                byte[] zeros = new byte[1 << 16];
                for (int y = 0; y < height; y++) {
                    z.write(0); // filter: none
                    for (long left = 8L * width; left > 0; left -= zeros.length) z.write(zeros, 0, (int) Math.min(left, zeros.length));
                }
            }
            chunk(data, "IDAT", idat.toByteArray());
            chunk(data, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One PNG chunk: length, type, body, CRC of type and body. */
    static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(body.length);
        out.write(name);
        out.write(body);
        var crc = new CRC32();
        crc.update(name);
        crc.update(body);
        out.writeInt((int) crc.getValue());
    }
}
