package dev.mnistfcn.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistfcn.digits.DigitImages;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/** Requests' bodies for the server tests: MNIST digits as JSON pixels, as 28×28 PNGs and as the page's canvas. */
final class Pictures {
    private Pictures() {
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] json(float[] pixels) {
        return json(jsonText(pixels));
    }

    static String jsonText(float[] pixels) {
        return IntStream.range(0, pixels.length).mapToObj(i -> Float.toString(pixels[i]))
                .collect(Collectors.joining(",", "{\"pixels\":[", "]}"));
    }

    static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) array.get(i).asDouble();
        return f;
    }

    /** The MNIST digit as it is: 28×28 grey, white on black. */
    static byte[] mnistPng(float[] pixels) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < pixels.length; i++) {
            int g = Math.round(255 * pixels[i]);
            img.setRGB(i % 28, i / 28, g << 16 | g << 8 | g);
        }
        return DigitImages.png(img);
    }

    /** The digit as the page's canvas sends it: 280×280 RGBA, black ink on white, each pixel 10×10. */
    static byte[] canvasPng(float[] pixels) {
        BufferedImage img = new BufferedImage(280, 280, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 280; y++) {
            for (int x = 0; x < 280; x++) {
                int g = 255 - Math.round(255 * pixels[(y / 10) * 28 + x / 10]);
                img.setRGB(x, y, 0xff000000 | g << 16 | g << 8 | g);
            }
        }
        return DigitImages.png(img);
    }

    /** A PNG's signature and header chunk claiming width × height pixels, and no pixel data: a decompression bomb's header. */
    static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        return png.array();
    }
}
