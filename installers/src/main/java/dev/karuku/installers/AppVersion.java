package dev.karuku.installers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// The version installers carry. MSI and macOS bundles accept only up to three numbers (MSI: the first ≤ 255), so
/// the Maven version's qualifier is dropped: `0.1.0-SNAPSHOT` installs as `0.1.0`.
record AppVersion(int major, int minor, int patch) {

    private static final Pattern LEADING_NUMBERS = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?.*");

    static AppVersion parse(String mavenVersion) {
        Matcher m = LEADING_NUMBERS.matcher(mavenVersion.strip());
        if (!m.matches()) {
            throw new PackagingException("The project version '" + mavenVersion + "' does not start with a number;"
                    + " installers need a version such as 1.2.3.");
        }
        int major = Integer.parseInt(m.group(1));
        if (major > 255) throw new PackagingException("Windows installers need a major version of at most 255, not " + major);
        return new AppVersion(major, number(m.group(2)), number(m.group(3)));
    }

    private static int number(String s) {
        return s == null ? 0 : Integer.parseInt(s);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
