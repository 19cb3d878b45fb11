package dev.karuku.installers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Turns the committed icon PNGs (`karuku-<size>.png`) into what each installer wants: the PNG itself on Linux, a
/// Windows `.ico` and a macOS `.icns`. Both containers simply hold PNG images (Windows Vista and macOS 10.7 on
/// read them), so no image is rescaled here and every size looks as drawn.
final class IconFiles {

    static final List<Integer> ICO_SIZES = List.of(16, 24, 32, 48, 64, 128, 256);
    /// ICNS element types and the pixel size each holds (the `ic11`–`ic14` ones are the Retina "@2x" variants).
    static final Map<String, Integer> ICNS_TYPES = icnsTypes();

    private IconFiles() {}

    /// Writes the icon for `platform` into `work` and returns it.
    static Path forPlatform(Platform platform, Path icons, Path work) throws IOException {
        Files.createDirectories(work);
        return switch (platform) {
            case LINUX -> Files.copy(png(icons, 256), work.resolve("Karuku.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            case WINDOWS -> Files.write(work.resolve("Karuku.ico"), ico(icons));
            case MAC -> Files.write(work.resolve("Karuku.icns"), icns(icons));
        };
    }

    static Path png(Path icons, int size) {
        Path p = icons.resolve("karuku-" + size + ".png");
        if (!Files.isRegularFile(p)) throw new PackagingException("Icon missing: " + p);
        return p;
    }

    /// ICONDIR, one ICONDIRENTRY per size, then the PNGs (little-endian; 0 in a size byte means 256).
    static byte[] ico(Path icons) throws IOException {
        List<byte[]> images = ICO_SIZES.stream().map(s -> read(png(icons, s))).toList();
        ByteBuffer head = ByteBuffer.allocate(6 + 16 * images.size()).order(ByteOrder.LITTLE_ENDIAN);
        head.putShort((short) 0).putShort((short) 1).putShort((short) images.size());
        int offset = head.capacity();
        for (int i = 0; i < images.size(); i++) {
            int size = ICO_SIZES.get(i);
            head.put((byte) (size >= 256 ? 0 : size)).put((byte) (size >= 256 ? 0 : size))
                    .put((byte) 0).put((byte) 0).putShort((short) 1).putShort((short) 32)
                    .putInt(images.get(i).length).putInt(offset);
            offset += images.get(i).length;
        }
        var out = new ByteArrayOutputStream();
        out.write(head.array());
        for (byte[] image : images) out.write(image);
        return out.toByteArray();
    }

    /// `icns` + total length, then per element its four-letter type, its length (header included), the PNG.
    static byte[] icns(Path icons) throws IOException {
        var body = new ByteArrayOutputStream();
        for (var e : ICNS_TYPES.entrySet()) {
            byte[] image = read(png(icons, e.getValue()));
            body.write(e.getKey().getBytes(StandardCharsets.US_ASCII));
            body.write(ByteBuffer.allocate(4).putInt(image.length + 8).array());
            body.write(image);
        }
        var out = new ByteArrayOutputStream();
        out.write("icns".getBytes(StandardCharsets.US_ASCII));
        out.write(ByteBuffer.allocate(4).putInt(body.size() + 8).array());
        body.writeTo(out);
        return out.toByteArray();
    }

    private static Map<String, Integer> icnsTypes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("icp4", 16);
        m.put("icp5", 32);
        m.put("icp6", 64);
        m.put("ic07", 128);
        m.put("ic08", 256);
        m.put("ic09", 512);
        m.put("ic10", 1024);
        m.put("ic11", 32);
        m.put("ic12", 64);
        m.put("ic13", 256);
        m.put("ic14", 512);
        return java.util.Collections.unmodifiableMap(m);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new PackagingException("Cannot read " + p + ": " + e.getMessage());
        }
    }
}
