//! Configuration from a TOML file (`--config`, env `CAC_CONFIG`), below environment variables and flags.
//!
//! Precedence, highest first: command-line flags, environment variables, the file, built-in defaults. clap
//! records where each value came from; a file value is applied only to settings that are still at their default.
//! The file is checked at start-up: an unknown key, a wrong type or an out-of-range value stops start-up with
//! the file and key named.
//!
//! ```toml
//! data_dir = "/var/lib/cac/data"
//! log_level = "info"
//! feedback_db = "/var/lib/cac/feedback.sqlite3"
//!
//! [serve]
//! addr = "127.0.0.1:50051"
//! max_concurrent = 64
//! engine_threads = 2
//! token_file = "/etc/cac/tokens"
//! metrics_addr = "127.0.0.1:9464"
//! ```
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;

use super::{Cli, Command};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    data_dir: Option<PathBuf>,
    max_note_bytes: Option<usize>,
    log_level: Option<String>,
    log_json: Option<bool>,
    cpt_file: Option<PathBuf>,
    model: Option<PathBuf>,
    rule_scorer: Option<bool>,
    min_score: Option<f32>,
    scorer_sessions: Option<usize>,
    feedback_db: Option<PathBuf>,
    store_note_text: Option<bool>,
    serve: Option<ServeConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeConfig {
    addr: Option<SocketAddr>,
    max_concurrent: Option<usize>,
    engine_threads: Option<usize>,
    token_file: Option<PathBuf>,
    metrics_addr: Option<SocketAddr>,
}

/// Reads and checks a configuration file.
pub fn read(path: &Path) -> Result<FileConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the config file {}", path.display()))?;
    let config: FileConfig =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("config file {}: {}", path.display(), e.message()))?;
    let bad = |key: &str, why: &str| -> Result<()> { bail!("config file {}: {key}: {why}", path.display()) };
    if config.max_note_bytes == Some(0) {
        bad("max_note_bytes", "must be above 0")?;
    }
    if config.min_score.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
        bad("min_score", "must be between 0 and 1")?;
    }
    if config.scorer_sessions == Some(0) {
        bad("scorer_sessions", "must be at least 1")?;
    }
    if config.serve.as_ref().and_then(|s| s.max_concurrent) == Some(0) {
        bad("serve.max_concurrent", "must be at least 1")?;
    }
    if config.serve.as_ref().and_then(|s| s.engine_threads) == Some(0) {
        bad("serve.engine_threads", "must be at least 1")?;
    }
    Ok(config)
}

/// Was the setting left at its default (neither a flag nor an environment variable gave it)?
fn unset(matches: &[&ArgMatches], id: &str) -> bool {
    !matches.iter().any(|m| {
        m.ids().any(|i| i.as_str() == id)
            && matches!(m.value_source(id), Some(ValueSource::CommandLine | ValueSource::EnvVariable))
    })
}

/// Applies the file's values to the settings still at their defaults.
pub fn apply(cli: &mut Cli, matches: &ArgMatches, file: FileConfig) {
    let sub = matches.subcommand().map(|(_, m)| m);
    let all: Vec<&ArgMatches> = std::iter::once(matches).chain(sub).collect();
    let unset = |id: &str| unset(&all, id);
    // A file value goes to a setting only while that setting is at its default.
    macro_rules! take {
        ($field:ident) => {
            take!(cli.$field, file.$field, $field)
        };
        ($target:expr, $value:expr, $id:ident) => {
            if let Some(v) = $value
                && unset(stringify!($id))
            {
                $target = v.into();
            }
        };
    }
    take!(data_dir);
    take!(max_note_bytes);
    take!(log_level);
    take!(log_json);
    take!(cpt_file);
    take!(model);
    take!(rule_scorer);
    take!(min_score);
    take!(scorer_sessions);
    take!(feedback_db);
    take!(store_note_text);
    if let (Some(s), Command::Serve { addr, max_concurrent, engine_threads, token_file, metrics_addr, .. }) =
        (file.serve, &mut cli.command)
    {
        take!(*addr, s.addr, addr);
        take!(*max_concurrent, s.max_concurrent, max_concurrent);
        take!(*engine_threads, s.engine_threads, engine_threads);
        take!(*token_file, s.token_file, token_file);
        take!(*metrics_addr, s.metrics_addr, metrics_addr);
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};

    use super::*;

    /// `cac <args>` with the file's `text` applied as `--config` would.
    fn serve_with(text: &str, args: &[&str]) -> (usize, Option<usize>, Option<PathBuf>) {
        let matches = Cli::command().try_get_matches_from(args).unwrap();
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
        apply(&mut cli, &matches, toml::from_str(text).unwrap());
        match cli.command {
            Command::Serve { max_concurrent, engine_threads, token_file, .. } => {
                (max_concurrent, engine_threads, token_file)
            }
            _ => unreachable!("a serve command"),
        }
    }

    #[test]
    fn serve_values_from_the_file_apply_below_flags() {
        let file = "[serve]\nmax_concurrent = 3\nengine_threads = 2\ntoken_file = \"/etc/cac/tokens\"\n";
        assert_eq!(serve_with(file, &["cac", "serve"]), (3, Some(2), Some(PathBuf::from("/etc/cac/tokens"))));
        assert_eq!(
            serve_with(file, &["cac", "serve", "--max-concurrent", "5", "--engine-threads", "1"]),
            (5, Some(1), Some(PathBuf::from("/etc/cac/tokens")))
        );
    }
}
