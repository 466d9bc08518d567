import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.HashSet;

/** Fails unless a screenshot has real content: enough non-white pixels and more than a few colours. */
public class PngCheck {
    public static void main(String[] args) throws Exception {
        BufferedImage img = ImageIO.read(new File(args[0]));
        if (img == null) throw new IllegalStateException(args[0] + " is not a readable PNG");
        long ink = 0;
        var colours = new HashSet<Integer>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF) ink++;
            }
        }
        double share = (double) ink / ((long) img.getWidth() * img.getHeight());
        System.out.printf("%s: %dx%d, %.1f%% non-white pixels, %d colours%n", args[0], img.getWidth(), img.getHeight(),
                100 * share, colours.size());
        if (share < 0.02 || colours.size() < 16) {
            System.out.println("FAIL: the screenshot is (nearly) blank");
            System.exit(1);
        }
    }
}
