package dev.karuku.installers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/// The committed icon PNGs turn into .ico and .icns files whose every image decodes at its declared size.
class IconFilesTest {

    static final Path ICONS = Path.of("../ui-resources/src/main/resources/dev/karuku/app/icons");

    @Test
    void icoHoldsEachSizeAsADecodablePng() throws Exception {
        ByteBuffer ico = ByteBuffer.wrap(IconFiles.ico(ICONS)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(ico.getShort(2)).isEqualTo((short) 1); // type: icon
        int count = ico.getShort(4);
        assertThat(count).isEqualTo(IconFiles.ICO_SIZES.size());
        for (int i = 0; i < count; i++) {
            int entry = 6 + 16 * i;
            int declared = Byte.toUnsignedInt(ico.get(entry)) == 0 ? 256 : Byte.toUnsignedInt(ico.get(entry));
            int length = ico.getInt(entry + 8), offset = ico.getInt(entry + 12);
            var image = ImageIO.read(new ByteArrayInputStream(ico.array(), offset, length));
            assertThat(image.getWidth()).isEqualTo(declared).isEqualTo(IconFiles.ICO_SIZES.get(i));
        }
    }

    @Test
    void icnsElementsAddUpAndDecode() throws Exception {
        byte[] icns = IconFiles.icns(ICONS);
        ByteBuffer b = ByteBuffer.wrap(icns);
        assertThat(new String(icns, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("icns");
        assertThat(b.getInt(4)).isEqualTo(icns.length);
        int at = 8, elements = 0;
        while (at < icns.length) {
            String type = new String(icns, at, 4, StandardCharsets.US_ASCII);
            int length = b.getInt(at + 4);
            var image = ImageIO.read(new ByteArrayInputStream(icns, at + 8, length - 8));
            assertThat(image.getWidth()).as(type).isEqualTo(IconFiles.ICNS_TYPES.get(type));
            at += length;
            elements++;
        }
        assertThat(at).isEqualTo(icns.length);
        assertThat(elements).isEqualTo(IconFiles.ICNS_TYPES.size());
    }
}
