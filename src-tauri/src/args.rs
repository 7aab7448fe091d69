//! Command line: `motcua-kiosk [--config PATH] [--windowed] [--window-size WxH]`.

use std::path::PathBuf;

/// What the command line asked for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Args {
    /// `--config PATH`.
    pub config: Option<PathBuf>,
    /// `--windowed`: a normal window for development and demos.
    pub windowed: bool,
    /// `--window-size WxH`: the window's inner size in CSS pixels (windowed
    /// mode; e.g. `1080x1920` for a portrait standing kiosk).
    pub window_size: Option<(u32, u32)>,
    /// `--help`.
    pub help: bool,
    /// `--version`.
    pub version: bool,
}

/// The usage text.
pub const USAGE: &str = "usage: motcua-kiosk [--config PATH] [--windowed] [--window-size WxH]\n\n  \
--config PATH  the kiosk.toml (default: $MOTCUA_CONFIG, then $XDG_CONFIG_HOME/motcua-kiosk/kiosk.toml,\n                 then /etc/motcua-kiosk/kiosk.toml)\n  \
--windowed     a normal window instead of fullscreen (development, demos)\n  \
--window-size WxH  the window's size with --windowed (default 1280x1000; lobby screens:\n                 1080x1920 portrait, 1920x1080, 1366x768, 1280x1024)\n";

/// Reads `1080x1920` (also `1080×1920`): both sides between 320 and 7680.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--window-size wants WIDTHxHEIGHT such as 1080x1920, not {s:?}");
    let (w, h) = s.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(320..=7680).contains(&w) || !(320..=7680).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

impl Args {
    /// Parses the arguments after the program name. Unknown arguments are
    /// returned separately (a WebDriver or a launcher may add its own).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<(Args, Vec<String>), String> {
        let mut out = Args::default();
        let mut unknown = Vec::new();
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--config" | "-c" => match it.next() {
                    Some(p) if !p.is_empty() => out.config = Some(PathBuf::from(p)),
                    _ => return Err("--config needs a path".to_owned()),
                },
                s if s.starts_with("--config=") => out.config = Some(PathBuf::from(&s["--config=".len()..])),
                "--windowed" => out.windowed = true,
                "--window-size" => match it.next() {
                    Some(v) => out.window_size = Some(parse_size(&v)?),
                    None => return Err("--window-size needs WIDTHxHEIGHT".to_owned()),
                },
                s if s.starts_with("--window-size=") => out.window_size = Some(parse_size(&s["--window-size=".len()..])?),
                "--help" | "-h" => out.help = true,
                "--version" | "-V" => out.version = true,
                _ => unknown.push(a),
            }
        }
        Ok((out, unknown))
    }
}

/// Where the config is: `--config`, `$MOTCUA_CONFIG`, the user config folder,
/// then `/etc/motcua-kiosk/kiosk.toml` (the first that exists; else the user one).
pub fn config_path(args: &Args, env: impl Fn(&str) -> Option<String>, exists: impl Fn(&std::path::Path) -> bool) -> PathBuf {
    if let Some(p) = &args.config {
        return p.clone();
    }
    if let Some(p) = env("MOTCUA_CONFIG").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let user = env("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("motcua-kiosk").join("kiosk.toml"));
    let system = PathBuf::from("/etc/motcua-kiosk/kiosk.toml");
    match user {
        Some(u) if exists(&u) => u,
        _ if exists(&system) => system,
        Some(u) => u,
        None => system,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> (Args, Vec<String>) {
        Args::parse(list.iter().map(|s| s.to_string())).expect("parse")
    }

    #[test]
    fn config_and_windowed_are_read() {
        let (a, rest) = args(&["--config", "/tmp/k.toml", "--windowed", "--automation"]);
        assert_eq!(a.config, Some(PathBuf::from("/tmp/k.toml")));
        assert!(a.windowed);
        assert_eq!(rest, ["--automation"]);
        assert_eq!(args(&["--config=/x.toml"]).0.config, Some(PathBuf::from("/x.toml")));
        assert!(Args::parse(["--config".to_string()]).is_err());
    }

    #[test]
    fn window_size_is_read_and_checked() {
        assert_eq!(args(&["--window-size", "1080x1920"]).0.window_size, Some((1080, 1920)));
        assert_eq!(args(&["--window-size=1366×768"]).0.window_size, Some((1366, 768)));
        for bad in ["1080", "x1920", "10x10", "1080x", "axb", "99999x100"] {
            assert!(Args::parse(["--window-size".to_string(), bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_path_prefers_flag_then_env_then_user_then_system() {
        let flag = Args { config: Some("/a.toml".into()), ..Args::default() };
        assert_eq!(config_path(&flag, |_| None, |_| false), PathBuf::from("/a.toml"));
        let none = Args::default();
        let env = |k: &str| match k {
            "HOME" => Some("/home/kiosk".to_string()),
            _ => None,
        };
        assert_eq!(config_path(&none, env, |_| false), PathBuf::from("/home/kiosk/.config/motcua-kiosk/kiosk.toml"));
        assert_eq!(config_path(&none, env, |p| p.starts_with("/etc")), PathBuf::from("/etc/motcua-kiosk/kiosk.toml"));
        let with_env = |k: &str| (k == "MOTCUA_CONFIG").then(|| "/env.toml".to_string());
        assert_eq!(config_path(&none, with_env, |_| true), PathBuf::from("/env.toml"));
    }
}
