//! Command line: `motcua-kiosk [--config PATH] [--windowed]`.

use std::path::PathBuf;

/// What the command line asked for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Args {
    /// `--config PATH`.
    pub config: Option<PathBuf>,
    /// `--windowed`: a normal window for development and demos.
    pub windowed: bool,
    /// `--help`.
    pub help: bool,
    /// `--version`.
    pub version: bool,
}

/// The usage text.
pub const USAGE: &str = "usage: motcua-kiosk [--config PATH] [--windowed]\n\n  \
--config PATH  the kiosk.toml (default: $MOTCUA_CONFIG, then $XDG_CONFIG_HOME/motcua-kiosk/kiosk.toml,\n                 then /etc/motcua-kiosk/kiosk.toml)\n  \
--windowed     a normal window instead of fullscreen (development, demos)\n";

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
