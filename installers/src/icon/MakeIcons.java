import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.PathIterator;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/// Draws Karuku's app icon: the kanji 軽 ("light", as in 軽く) in white on an indigo-to-cyan rounded square.
///
/// A developer tool, run once when the design changes; its outputs are committed:
/// `java installers/src/icon/MakeIcons.java ui-resources/src/main/resources/dev/karuku/app/icons`
/// writes `karuku.svg` (the glyph as a path, so it needs no font) and `karuku-<size>.png` for the sizes the
/// installers and the window use. Needs a Japanese font (Noto Sans CJK JP) on the machine that runs it.
public class MakeIcons {
    static final int[] SIZES = {16, 24, 32, 48, 64, 128, 256, 512, 1024};
    static final Color TOP = new Color(0x4F46E5), BOTTOM = new Color(0x06B6D4);

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(out);
        Shape glyph = glyph(1024);
        for (int size : SIZES) ImageIO.write(render(size, glyph), "png", out.resolve("karuku-" + size + ".png").toFile());
        Files.writeString(out.resolve("karuku.svg"), svg(glyph));
    }

    /// The glyph's outline, centred in a 1024 × 1024 square, 62 % of it high.
    static Shape glyph(int box) {
        Font font = new Font("Noto Sans CJK JP", Font.BOLD, 100);
        if (!font.getFamily(Locale.ROOT).contains("CJK")) throw new IllegalStateException("Noto Sans CJK JP is not installed");
        Shape s = font.createGlyphVector(new FontRenderContext(null, true, true), "軽").getOutline();
        Rectangle2D b = s.getBounds2D();
        double scale = box * 0.62 / Math.max(b.getWidth(), b.getHeight());
        var t = new AffineTransform();
        t.translate(box / 2.0, box / 2.0);
        t.scale(scale, scale);
        t.translate(-b.getCenterX(), -b.getCenterY());
        return t.createTransformedShape(s);
    }

    static BufferedImage render(int size, Shape glyph) {
        var img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.scale(size / 1024.0, size / 1024.0);
        g.setPaint(new GradientPaint(0, 0, TOP, 1024, 1024, BOTTOM));
        g.fill(new RoundRectangle2D.Double(40, 40, 944, 944, 220, 220));
        g.setColor(Color.WHITE);
        g.fill(glyph);
        if (size <= 32) { // thicken the strokes a little so the small sizes stay legible
            g.setStroke(new BasicStroke(1024f / size * 0.35f));
            g.draw(glyph);
        }
        g.dispose();
        return img;
    }

    static String svg(Shape glyph) {
        var d = new StringBuilder();
        double[] c = new double[6];
        for (PathIterator it = glyph.getPathIterator(null); !it.isDone(); it.next()) {
            switch (it.currentSegment(c)) {
                case PathIterator.SEG_MOVETO -> d.append(String.format(Locale.ROOT, "M%.1f %.1f", c[0], c[1]));
                case PathIterator.SEG_LINETO -> d.append(String.format(Locale.ROOT, "L%.1f %.1f", c[0], c[1]));
                case PathIterator.SEG_QUADTO -> d.append(String.format(Locale.ROOT, "Q%.1f %.1f %.1f %.1f", c[0], c[1], c[2], c[3]));
                case PathIterator.SEG_CUBICTO -> d.append(String.format(Locale.ROOT, "C%.1f %.1f %.1f %.1f %.1f %.1f", c[0], c[1], c[2], c[3], c[4], c[5]));
                case PathIterator.SEG_CLOSE -> d.append('Z');
                default -> throw new IllegalStateException();
            }
        }
        return """
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">
                  <title>Karuku</title>
                  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
                    <stop offset="0" stop-color="#4F46E5"/><stop offset="1" stop-color="#06B6D4"/>
                  </linearGradient></defs>
                  <rect x="40" y="40" width="944" height="944" rx="110" fill="url(#bg)"/>
                  <path fill="#FFFFFF" fill-rule="nonzero" d="%s"/>
                </svg>
                """.formatted(d);
    }
}
