package dev.karuku.engine.hub.fake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/// A file in a fake repo: its bytes (in memory or on disk), size, SHA-256 and git blob sha1.
///
/// @param lfs whether the Hub stores it in LFS/Xet (then `resolve` redirects to the CDN and the tree lists `lfs.oid`)
public record FakeFile(String path, byte[] bytes, Path file, long size, String sha256, String gitSha1, boolean lfs) {

    static FakeFile of(String path, byte[] bytes, boolean lfs) {
        return new FakeFile(path, bytes.clone(), null, bytes.length, hex(digest("SHA-256", null, bytes)),
                hex(digest("SHA-1", ("blob " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8), bytes)), lfs);
    }

    static FakeFile of(String path, Path file, boolean lfs) {
        try {
            long size = Files.size(file);
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha256.update(buf, 0, n);
                    sha1.update(buf, 0, n);
                }
            }
            return new FakeFile(path, null, file, size, hex(sha256.digest()), hex(sha1.digest()), lfs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    InputStream open(long from) throws IOException {
        if (bytes != null) {
            InputStream in = new java.io.ByteArrayInputStream(bytes);
            in.skipNBytes(from);
            return in;
        }
        InputStream in = Files.newInputStream(file);
        in.skipNBytes(from);
        return in;
    }

    private static byte[] digest(String algorithm, byte[] prefix, byte[] data) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) md.update(prefix);
            return md.digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
