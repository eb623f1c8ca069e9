//! Rotated logs: `--in-place` and `--gzip`, and the real logrotate driving both recipes.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::util::{check_invariants, cmd, gzip, in_place, run_with_stdin, squashed, tomcat_aborts};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut c = Command::new("gzip");
    c.arg("-dc");
    let out = run_with_stdin(c, bytes);
    assert!(
        out.status.success(),
        "not gzip: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn in_place_writes_the_squashed_copy_and_keeps_mode_and_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalina.out.1");
    std::fs::write(&path, tomcat_aborts()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let mtime = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_168_800);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let out = in_place(dir.path(), "catalina.out.1");
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(after.permissions().mode() & 0o777, 0o640);
    assert_eq!(after.modified().unwrap(), mtime);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        squashed(dir.path(), &tomcat_aborts())
    );
    let litter: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(litter.len(), 1, "no temporary file is left behind");
}

#[test]
fn in_place_gzip_in_gzip_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log.2.gz");
    std::fs::write(&path, gzip(&tomcat_aborts())).unwrap();
    in_place(dir.path(), "app.log.2.gz");
    let got = gunzip(&std::fs::read(&path).unwrap());
    assert_eq!(got, squashed(dir.path(), &tomcat_aborts()));
    check_invariants(&tomcat_aborts(), &got);
}

#[test]
fn gzip_output_is_the_squashed_log_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(dir.path());
    c.arg("--gzip");
    let out = run_with_stdin(c, &tomcat_aborts());
    assert!(out.status.success());
    assert!(out.stderr.is_empty());
    assert_eq!(gunzip(&out.stdout), squashed(dir.path(), &tomcat_aborts()));
}

#[test]
fn in_place_on_a_full_disk_fails_loudly_and_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    // A real full file system: a 64 KiB tmpfs holding a 40 KiB log with nothing to squash,
    // so its copy cannot fit beside it.
    let status = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .status()
        .expect("mount");
    assert!(status.success(), "mounting a tmpfs needs root");
    let original: Vec<u8> = (0..1500)
        .flat_map(|i| format!("ordinary line {i:05} ......\n").into_bytes())
        .collect();
    let path = mnt.join("app.log.1");
    std::fs::write(&path, &original).unwrap();
    let out = cmd(&mnt)
        .args(["--in-place", "app.log.1"])
        .output()
        .unwrap();
    let listing: Vec<String> = std::fs::read_dir(&mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let after = std::fs::read(&path).unwrap();
    Command::new("umount").arg(&mnt).status().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(
        err.contains(".app.log.1.resetsquash-"),
        "names the file it could not write: {err}"
    );
    assert_eq!(after, original, "the original is intact");
    assert_eq!(
        listing,
        vec!["app.log.1".to_string()],
        "no temporary file is left behind"
    );
}

#[test]
fn kill_9_during_in_place_leaves_the_original_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.log.1");
    let one = tomcat_aborts();
    let original: Vec<u8> = std::iter::repeat_n(one.as_slice(), 4000)
        .flatten()
        .copied()
        .collect();
    std::fs::write(&path, &original).unwrap();
    let mut child = cmd(dir.path())
        .args(["--in-place", "--threads", "1", "big.log.1"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let status = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let _ = child.wait();
    let after = std::fs::read(&path).unwrap();
    // Either the kill came first (the original is untouched) or the run had finished (the
    // file is the complete squashed copy): never anything in between.
    assert!(
        after == original || after == squashed(dir.path(), &original),
        "a kill -9 left a partial file ({} of {} bytes)",
        after.len(),
        original.len()
    );
}

/// The paths the recipes name as shipped, ready to copy into `/etc/logrotate.d/`.
const SHIPPED_LOGS: [&str; 2] = ["/var/log/tomcat10/catalina.out", "/var/log/app/app.log"];
const SHIPPED_BINARY: &str = "/usr/bin/resetsquash";

fn recipe_as_shipped(name: &str) -> String {
    std::fs::read_to_string(crate::util::root().join("recipes").join(name)).unwrap()
}

/// A recipe from `recipes/`, its log and binary replaced by `log` and the binary under test:
/// the tests run exactly the text the README shows.
fn recipe(name: &str, log: &Path) -> String {
    let text = recipe_as_shipped(name);
    let shipped_log = SHIPPED_LOGS
        .into_iter()
        .find(|l| text.contains(&format!("{l} {{")))
        .unwrap_or_else(|| panic!("{name} rotates none of {SHIPPED_LOGS:?}"));
    assert!(
        text.contains(SHIPPED_BINARY),
        "{name} runs {SHIPPED_BINARY}"
    );
    // The test's folder is root's, not Debian's tomcat user's.
    text.replace(shipped_log, &log.display().to_string())
        .replace(SHIPPED_BINARY, bin())
        .replace("su tomcat adm", "su root root")
}

/// Runs the real logrotate with `conf` (a forced rotation, its own state file).
fn logrotate(dir: &Path, conf: &str) {
    let conf_path = dir.join("logrotate.conf");
    std::fs::write(&conf_path, conf).unwrap();
    std::fs::set_permissions(&conf_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Command::new("logrotate")
        .arg("-s")
        .arg(dir.join("state"))
        .arg("-f")
        .arg(&conf_path)
        .output()
        .expect("logrotate must be installed (scripts/test installs it)");
    assert!(
        out.status.success(),
        "logrotate failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_resetsquash")
}

#[test]
fn logrotate_compressor_recipe_squashes_into_the_gz() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("catalina.out");
    std::fs::write(&log, tomcat_aborts()).unwrap();
    logrotate(dir.path(), &recipe("logrotate-compress.conf", &log));
    let gz = std::fs::read(dir.path().join("catalina.out.1.gz")).expect("rotated and compressed");
    assert_eq!(gunzip(&gz), squashed(dir.path(), &tomcat_aborts()));
    assert_eq!(std::fs::read(&log).unwrap(), b"", "a fresh log was created");
}

#[test]
fn logrotate_compressor_recipe_with_delaycompress() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let conf = recipe("logrotate-delaycompress.conf", &log);
    std::fs::write(&log, tomcat_aborts()).unwrap();
    logrotate(dir.path(), &conf);
    // First rotation: kept as it was, uncompressed, for a writer that may still hold it.
    assert_eq!(
        std::fs::read(dir.path().join("app.log.1")).unwrap(),
        tomcat_aborts()
    );
    std::fs::write(&log, b"second day\n").unwrap();
    logrotate(dir.path(), &conf);
    // Second rotation: yesterday's file is squashed into app.log.2.gz.
    let gz = std::fs::read(dir.path().join("app.log.2.gz")).expect("compressed on the next run");
    assert_eq!(gunzip(&gz), squashed(dir.path(), &tomcat_aborts()));
    assert_eq!(
        std::fs::read(dir.path().join("app.log.1")).unwrap(),
        b"second day\n"
    );
}

#[test]
fn logrotate_postrotate_recipe_squashes_the_rotated_file_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, tomcat_aborts()).unwrap();
    logrotate(dir.path(), &recipe("logrotate-postrotate.conf", &log));
    assert_eq!(
        std::fs::read(dir.path().join("app.log.1")).unwrap(),
        squashed(dir.path(), &tomcat_aborts())
    );
}

#[test]
fn every_recipe_as_shipped_is_a_config_logrotate_accepts() {
    // `logrotate -d` reads the config and says what it would do; a line it cannot parse (such
    // as a placeholder left for the user to fill in) is an `error:` and a non-zero exit.
    let mut names: Vec<String> = std::fs::read_dir(crate::util::root().join("recipes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".conf"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    for name in names {
        let dir = tempfile::tempdir().unwrap();
        // Copied byte for byte: logrotate ignores a config that group or others may write, and
        // a checkout's modes depend on the umask.
        let conf = dir.path().join(&name);
        let text = recipe_as_shipped(&name);
        if text.contains("su tomcat adm") {
            let user = Command::new("id").arg("tomcat").output().unwrap();
            assert!(
                user.status.success(),
                "{name} rotates as Debian's tomcat user: tomcat10 must be installed (scripts/test \
                 installs it)"
            );
        }
        std::fs::write(&conf, text).unwrap();
        std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = Command::new("logrotate")
            .arg("-d")
            .arg("-s")
            .arg(dir.path().join("state"))
            .arg(&conf)
            .output()
            .expect("logrotate must be installed (scripts/test installs it)");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: logrotate -d failed:\n{err}");
        assert!(!err.contains("error"), "{name}:\n{err}");
        assert!(
            err.contains("Handling 1 logs"),
            "{name} rotates one log:\n{err}"
        );
    }
}

#[test]
fn the_readme_quotes_the_recipes_verbatim() {
    let readme = std::fs::read_to_string(crate::util::root().join("README.md")).unwrap();
    for name in ["logrotate-compress.conf", "logrotate-postrotate.conf"] {
        let block = format!("```\n{}```\n", recipe_as_shipped(name));
        assert!(
            readme.contains(&block),
            "README.md does not quote recipes/{name} as it is"
        );
    }
    // And every logrotate snippet the README shows is one of the recipes.
    let recipes: Vec<String> = ["compress", "delaycompress", "postrotate"]
        .map(|r| recipe_as_shipped(&format!("logrotate-{r}.conf")))
        .into();
    for snippet in readme
        .split("```\n")
        .filter(|b| b.starts_with("# logrotate:"))
    {
        assert!(
            recipes.iter().any(|r| r == snippet),
            "README.md shows a logrotate snippet that is no recipe:\n{snippet}"
        );
    }
}
