//! The `cac` command line: argument parsing, start-up, and the commands.
//!
//! Start-up is the same for every command that codes: find and load the code set (`--data-dir`), load the ONNX
//! Runtime, build the engine once. Commands then only read and write; the engine does the work.
pub mod batch;
mod config;
pub mod data;
mod loadtest;
mod print;

use std::io::{BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::catalog::Catalog;
use crate::classify::features::FeatureExtractor;
use crate::classify::onnx::{OnnxRuntime, OnnxScorer};
use crate::engine::{DEFAULT_MAX_NOTE_BYTES, Engine};
use crate::note::{Note, Setting};

#[derive(Debug, Parser)]
#[command(name = "cac", version, about = "Computer-assisted coding: ICD-10-CM suggestions with evidence")]
struct Cli {
    /// Folder holding the code sets (icd10cm/<YYYY-MM>/...tabular.xml), a release folder, or a tabular XML file.
    #[arg(long, global = true, env = "CAC_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Largest note accepted, in bytes.
    #[arg(long, global = true, env = "CAC_MAX_NOTE_BYTES", default_value_t = DEFAULT_MAX_NOTE_BYTES)]
    max_note_bytes: usize,
    /// A licensed CPT descriptor file (tab-separated code and descriptor, as in the AMA data files); its
    /// descriptors replace the project's own descriptions.
    #[arg(long, global = true, env = "CAC_CPT_FILE")]
    cpt_file: Option<PathBuf>,
    /// A scorer model to use instead of the one built into the binary (models/scorer.onnx).
    #[arg(long, global = true, env = "CAC_MODEL")]
    model: Option<PathBuf>,
    /// Score candidates with the transparent rules instead of the trained model.
    #[arg(long, global = true)]
    rule_scorer: bool,
    /// Candidates scored below this are listed in `excluded` as `low_score` (default: the model's F1-optimal
    /// threshold on the development set, from the model card; 0 with the rule scorer).
    #[arg(long, global = true, env = "CAC_MIN_SCORE")]
    min_score: Option<f32>,
    /// Scorer sessions (concurrent model runs); default one per core.
    #[arg(long, global = true)]
    scorer_sessions: Option<usize>,
    /// Switch a guideline rule off (repeatable), to measure what it does on an evaluation set.
    #[arg(long = "disable-rule", global = true, value_enum)]
    disable_rules: Vec<crate::coding::RuleSwitch>,
    /// Log level (error, warn, info, debug, trace); logs go to stderr and never contain note text.
    #[arg(long, global = true, env = "CAC_LOG_LEVEL")]
    log_level: Option<String>,
    /// Log one JSON object per line instead of text.
    #[arg(long, global = true, env = "CAC_LOG_JSON")]
    log_json: bool,
    /// A TOML configuration file; flags and environment variables override what it says.
    #[arg(long, global = true, env = "CAC_CONFIG")]
    config: Option<PathBuf>,
    /// The feedback database (SQLite) for reviewers' decisions; default `<data-dir>/feedback/feedback.sqlite3`.
    #[arg(long, global = true, env = "CAC_FEEDBACK_DB")]
    feedback_db: Option<PathBuf>,
    /// Also store each note's text with its feedback (by default only the note's SHA-256 is stored).
    #[arg(long, global = true, env = "CAC_STORE_NOTE_TEXT")]
    store_note_text: bool,
    #[command(subcommand)]
    command: Command,
}

/// What can be done with the feedback store.
#[derive(Debug, Subcommand)]
enum FeedbackCommand {
    /// Write every decision as JSON lines of training labels ({"note_id", "code", "label", ...}), the input of
    /// `training/train.py --extra`.
    Export {
        /// Output JSON lines, or - for stdout.
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
    },
    /// Print acceptance overall, per code and per model version.
    Stats {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the gRPC API (cac.v1.Coding, health, reflection).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CAC_ADDR", default_value = "127.0.0.1:50051")]
        addr: SocketAddr,
        /// Most requests worked on at once; one more gets RESOURCE_EXHAUSTED at once instead of waiting in a queue.
        #[arg(long, env = "CAC_MAX_CONCURRENT", default_value_t = crate::grpc::DEFAULT_MAX_CONCURRENT)]
        max_concurrent: usize,
        /// Threads that code notes; admitted requests beyond them wait their turn (default: one per core this
        /// process may run on, so `taskset` and CPU quotas are respected).
        #[arg(long, env = "CAC_ENGINE_THREADS")]
        engine_threads: Option<usize>,
        /// Callers and their bearer tokens (`principal token permissions` per line); without it every caller is
        /// served, so keep the default loopback address.
        #[arg(long, env = "CAC_TOKEN_FILE")]
        token_file: Option<PathBuf>,
        /// Serve Prometheus metrics over HTTP at this address (GET /metrics), e.g. 127.0.0.1:9464.
        #[arg(long, env = "CAC_METRICS_ADDR")]
        metrics_addr: Option<SocketAddr>,
        /// Serve TLS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, env = "CAC_TLS_CERT")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, env = "CAC_TLS_KEY")]
        tls_key: Option<PathBuf>,
        /// Require client certificates signed by this CA (PEM).
        #[arg(long, env = "CAC_TLS_CLIENT_CA")]
        tls_client_ca: Option<PathBuf>,
    },
    /// Code one note from a file (or - for stdin) and print the suggestions.
    Code {
        /// The note file, or - for standard input.
        file: PathBuf,
        /// Print the JSON-lines contract instead of a table.
        #[arg(long)]
        json: bool,
        /// Encounter setting: outpatient, inpatient or emergency.
        #[arg(long, default_value = "outpatient")]
        setting: Setting,
        /// Note id to report (default: the file name).
        #[arg(long)]
        id: Option<String>,
        /// New or established patient (for office E/M codes); read from the note when not given.
        #[arg(long)]
        patient_status: Option<crate::note::PatientStatus>,
    },
    /// Code a JSON-lines file: one output line per input line, in order.
    Batch {
        /// Input JSON lines, or - for stdin.
        input: PathBuf,
        /// Output JSON lines, or - for stdout.
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
    },
    /// Assertion of target phrases: one output line per input line {"id", "text", "targets": [...]}.
    Context {
        /// Input JSON lines, or - for stdin.
        input: PathBuf,
        /// Output JSON lines, or - for stdout.
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
    },
    /// The scorer's inputs for every candidate of every line (training data for the scorer).
    Features {
        input: PathBuf,
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// Gold codes (document<TAB>code, as for eval): each candidate gets its training `label`, 1 when the
        /// document's codes hold it (or the older-release code it succeeds), else 0.
        #[arg(long)]
        gold: Option<PathBuf>,
    },
    /// Micro precision, recall and F1 of predictions (cac batch output) against gold codes (document<TAB>code).
    Eval {
        predictions: PathBuf,
        gold: PathBuf,
        /// How many of the most frequent false positives and false negatives to list.
        #[arg(long, default_value_t = 15)]
        errors: usize,
        /// Gold codes are from an older ICD-10-CM release: score a prediction that is the successor of a gold
        /// code no longer valid in the loaded release (its new "unspecified" child, its 7th-character form, or
        /// the code a term moved to) as that code, when the gold code was valid in an older release setup
        /// fetched (FY2019 list, FY2021 tabular). Needs the code set (--data-dir).
        #[arg(long)]
        crosswalk: bool,
        /// Code system of the gold codes; predicted codes of other systems are not scored.
        #[arg(long, default_value = "ICD-10-CM")]
        system: String,
        #[arg(long)]
        json: bool,
    },
    /// Drive a live server with CodeNote calls at several concurrency levels; print throughput and latency.
    Loadtest {
        /// The server's address.
        #[arg(long, default_value = "127.0.0.1:50051")]
        addr: String,
        /// Notes to send, as `cac batch` input lines ({"id", "text", "setting"}).
        #[arg(long)]
        notes: PathBuf,
        /// Concurrency levels (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
        concurrency: Vec<usize>,
        /// Seconds per level.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Bearer token, when the server checks tokens.
        #[arg(long, env = "CAC_TOKEN")]
        token: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Reviewers' decisions on suggestions, from the feedback store.
    Feedback {
        #[command(subcommand)]
        action: FeedbackCommand,
    },
    /// Show one code: description, billable flag, parent, children and the notes in force.
    Lookup {
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Rank codes for a free-text query.
    Search {
        #[arg(required = true)]
        text: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only billable codes.
        #[arg(long)]
        billable: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("cac: {e:#}");
            return ExitCode::from(batch::FATAL_EXIT);
        }
    };
    let default_level = if matches!(cli.command, Command::Serve { .. }) { "info" } else { "warn" };
    init_logging(cli.log_level.as_deref().unwrap_or(default_level), cli.log_json);
    std::panic::set_hook(Box::new(report_panic));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cac: {e:#}");
            ExitCode::from(batch::FATAL_EXIT)
        }
    }
}

/// Logs a panic by where it happened only. The standard hook prints the panic's message, and messages can quote
/// the text they were handed (a string slice's panic names the string), which here is a note: PHI must not reach
/// stderr that way. The request is still answered (INTERNAL) by whoever caught the panic.
fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    let location = info.location().map_or_else(|| "unknown".to_string(), |l| format!("{}:{}", l.file(), l.line()));
    let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
    tracing::error!(%location, %thread, "internal error (panic); its message is withheld as it may quote a note");
}

/// Flags, then environment variables, then the configuration file, then defaults.
fn parse() -> Result<Cli> {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.exit())?;
    if let Some(path) = cli.config.clone() {
        let file = config::read(&path)?;
        config::apply(&mut cli, &matches, file);
    }
    Ok(cli)
}

fn init_logging(level: &str, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .or_else(|_| tracing_subscriber::EnvFilter::try_new("info"))
        .unwrap_or_default();
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json {
        // One JSON object per line, for log shippers; the same fields and the same rule: never note text.
        builder.json().with_target(true).try_init()
    } else {
        builder.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).with_target(false).try_init()
    };
}

/// Loads the code set and the ONNX Runtime and builds the engine. The runtime is returned so that it lives as
/// long as the process.
fn start(cli: &Cli) -> Result<(Arc<Engine>, OnnxRuntime)> {
    start_with(cli, !cli.rule_scorer)
}

/// Start-up; `use_model` false builds the engine with the rule scorer (`cac features` computes the model's
/// inputs, which must not depend on a model).
fn start_with(cli: &Cli, use_model: bool) -> Result<(Arc<Engine>, OnnxRuntime)> {
    let started = Instant::now();
    let runtime = OnnxRuntime::load(&data::find_onnxruntime()?)?;
    let codes = data::load_codeset(&cli.data_dir)?;
    let mut builder = Engine::builder(codes).max_note_bytes(cli.max_note_bytes);
    if let Some(lists) = data::load_severity(&cli.data_dir)? {
        builder = builder.severity(lists);
    }
    let sessions = cli.scorer_sessions.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let model: Option<(String, Vec<u8>)> = match (&cli.model, crate::models::SCORER) {
        _ if !use_model => None,
        (Some(path), _) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read the scorer model {}", path.display()))?;
            Some((path.display().to_string(), bytes))
        }
        (None, Some((name, bytes))) => Some((name.to_string(), bytes.to_vec())),
        (None, None) => None,
    };
    if let Some((source, bytes)) = model {
        let scorer = OnnxScorer::new(&runtime, &bytes, &source, FeatureExtractor::embedded()?, sessions)?;
        builder = builder.scorer(Box::new(scorer));
    }
    if let Some(min) = cli.min_score {
        builder = builder.min_score(min);
    }
    for &rule in &cli.disable_rules {
        builder = builder.disable_rule(rule);
    }
    if let Some(path) = &cli.cpt_file {
        let mut table = crate::codeset::ProcedureTable::embedded()?;
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let replaced = table.apply_descriptors(BufReader::new(file))?;
        tracing::info!(replaced, file = %path.display(), "licensed CPT descriptors loaded");
        builder = builder.procedures(table);
    }
    let engine = builder.build()?;
    tracing::info!(
        terms = engine.lexicon().entry_count(),
        phrases = engine.lexicon().phrase_count(),
        scorer = engine.scorer_name(),
        min_score = engine.min_score(),
        onnxruntime = runtime.library(),
        ms = started.elapsed().as_millis() as u64,
        "engine ready"
    );
    Ok((Arc::new(engine), runtime))
}

fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Serve {
            addr,
            max_concurrent,
            engine_threads,
            token_file,
            metrics_addr,
            tls_cert,
            tls_key,
            tls_client_ca,
        } => {
            if *max_concurrent == 0 || *engine_threads == Some(0) {
                bail!("--max-concurrent and --engine-threads must be at least 1");
            }
            // Checked before the slow start-up, so a bad file fails at once.
            let tokens = match token_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read the token file {}", path.display()))?;
                    Some(crate::grpc::auth::Tokens::parse(&path.display().to_string(), &text)?)
                }
                None => {
                    if !addr.ip().is_loopback() {
                        tracing::warn!(addr = %addr, "serving without --token-file on a non-loopback address");
                    }
                    None
                }
            };
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let read = |p: &PathBuf, what: &str| {
                        std::fs::read(p).with_context(|| format!("cannot read the TLS {what} {}", p.display()))
                    };
                    Some(crate::grpc::TlsFiles {
                        cert_pem: read(cert, "certificate")?,
                        key_pem: read(key, "key")?,
                        client_ca_pem: tls_client_ca.as_ref().map(|p| read(p, "client CA")).transpose()?,
                    })
                }
                (None, None) if tls_client_ca.is_none() => None,
                _ => bail!("TLS needs both --tls-cert and --tls-key (and --tls-client-ca only with them)"),
            };
            let (engine, _runtime) = start(&cli)?;
            let store = Arc::new(open_store(&cli)?);
            tracing::info!(path = %store.path().display(), note_text = cli.store_note_text, "feedback store open");
            let options = crate::grpc::ServiceOptions {
                store: Some(store),
                max_concurrent: *max_concurrent,
                tokens,
                metrics: Arc::new(crate::grpc::metrics::Metrics::default()),
                tls,
                engine_threads: engine_threads.unwrap_or(0),
            };
            serve(engine, options, *addr, *metrics_addr)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Loadtest { addr, notes, concurrency, seconds, token, json } => {
            if concurrency.contains(&0) || *seconds <= 0.0 {
                bail!("--concurrency levels must be at least 1 and --seconds above 0");
            }
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let levels = runtime.block_on(loadtest::run(
                addr,
                notes,
                concurrency,
                std::time::Duration::from_secs_f64(*seconds),
                token.clone(),
            ))?;
            let mut out = std::io::stdout().lock();
            if *json {
                serde_json::to_writer_pretty(&mut out, &levels)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{:>11} {:>9} {:>7} {:>10} {:>9} {:>9} {:>9}",
                    "concurrency", "requests", "errors", "notes/s", "p50 ms", "p99 ms", "max ms"
                )?;
                for l in &levels {
                    writeln!(
                        out,
                        "{:>11} {:>9} {:>7} {:>10.1} {:>9.2} {:>9.2} {:>9.2}",
                        l.concurrency, l.requests, l.errors, l.notes_per_second, l.p50_ms, l.p99_ms, l.max_ms
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Feedback { action } => {
            let store = open_store(&cli)?;
            match action {
                FeedbackCommand::Export { output } => {
                    let mut out = batch::open_output(output)?;
                    let n = store.export(&mut out)?;
                    out.flush()?;
                    tracing::info!(decisions = n, "feedback exported");
                }
                FeedbackCommand::Stats { json } => {
                    let stats = store.stats()?;
                    let mut out = std::io::stdout().lock();
                    if *json {
                        serde_json::to_writer_pretty(&mut out, &stats)?;
                        writeln!(out)?;
                    } else {
                        print::feedback_stats(&mut out, &stats)?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Code { file, json, setting, id, patient_status } => {
            let (engine, _runtime) = start(&cli)?;
            let text = read_note(file)?;
            let id = id.clone().unwrap_or_else(|| default_id(file));
            let note = Note { id, text, setting: *setting, patient_status: *patient_status };
            let coded = engine.code(&note)?;
            let mut out = std::io::stdout().lock();
            if *json {
                writeln!(out, "{}", crate::jsonl::coded_line(&coded))?;
            } else {
                print::coded(&mut out, &coded)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Batch { input, output } => {
            let (engine, _runtime) = start(&cli)?;
            batch::run(&engine, input, output)
        }
        Command::Features { input, output, gold } => {
            let gold = match gold {
                Some(p) => {
                    let file = std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
                    Some(crate::eval::read_gold(BufReader::new(file))?)
                }
                None => None,
            };
            let (engine, _runtime) = start_with(&cli, false)?;
            let older = if gold.is_some() { data::load_older_codesets(&cli.data_dir)? } else { Vec::new() };
            let crosswalk = gold.as_ref().map(|_| crate::eval::Crosswalk::new(engine.codeset(), &older));
            if let Some(c) = &crosswalk {
                if older.is_empty() {
                    tracing::warn!(
                        "no older ICD-10-CM release under the data directory (run `make setup`): labels credit no \
                         term moved since the gold's release (F32.9 depression NOS is not F32.A)"
                    );
                } else {
                    tracing::info!(
                        releases = older.len(),
                        codes_with_moved_terms = c.moves(),
                        "crosswalk for the labels"
                    );
                }
            }
            batch::run_features(&engine, input, output, gold.as_ref().zip(crosswalk.as_ref()))
        }
        Command::Context { input, output } => {
            let (engine, _runtime) = start(&cli)?;
            batch::run_context(&engine, input, output)
        }
        Command::Eval { predictions, gold, errors, system, crosswalk, json } => {
            let open = |p: &Path| -> Result<BufReader<std::fs::File>> {
                Ok(BufReader::new(std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?))
            };
            let predicted = crate::eval::read_predictions(open(predictions)?, system)?;
            let gold = crate::eval::read_gold(open(gold)?)?;
            let predicted = if *crosswalk {
                let codes = data::load_codeset(&cli.data_dir)?;
                let older = data::load_older_codesets(&cli.data_dir)?;
                let history = data::load_valid_code_history(&cli.data_dir)?;
                if older.is_empty() && history.is_empty() {
                    tracing::warn!(
                        "no older ICD-10-CM release under the data directory (run `make setup`): the crosswalk \
                         credits no gold code"
                    );
                }
                let walk = crate::eval::Crosswalk::new(&codes, &older).with_valid_codes(history);
                crate::eval::crosswalk(&predicted, &gold, &walk)
            } else {
                predicted
            };
            let report = crate::eval::evaluate(&predicted, &gold, *errors);
            let mut out = std::io::stdout().lock();
            if *json {
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            } else {
                print::report(&mut out, &report)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Lookup { code, json } => {
            let catalog = Catalog::new(data::load_codeset(&cli.data_dir)?)?;
            let details = catalog.lookup(code)?;
            let mut out = std::io::stdout().lock();
            if *json {
                writeln!(out, "{}", serde_json::to_string(&details)?)?;
            } else {
                print::details(&mut out, &details)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { text, limit, billable, json } => {
            let catalog = Catalog::new(data::load_codeset(&cli.data_dir)?)?;
            let query = text.join(" ");
            let hits = catalog.search(&query, *limit, *billable)?;
            let mut out = std::io::stdout().lock();
            if *json {
                for h in &hits {
                    writeln!(out, "{}", serde_json::to_string(h)?)?;
                }
            } else {
                print::hits(&mut out, catalog.codeset().version(), &hits)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn default_id(file: &Path) -> String {
    if file == Path::new("-") {
        "stdin".to_string()
    } else {
        file.file_stem().and_then(|s| s.to_str()).unwrap_or("note").to_string()
    }
}

/// Reads a note file (or stdin) that must be UTF-8; the error names the first invalid byte's offset.
fn read_note(file: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => bail!(
            "{} is not valid UTF-8: invalid byte at offset {}",
            if file == Path::new("-") { "standard input".to_string() } else { file.display().to_string() },
            e.utf8_error().valid_up_to()
        ),
    }
}

/// The feedback store at `--feedback-db`, or in the data directory.
fn open_store(cli: &Cli) -> Result<crate::store::FeedbackStore> {
    let path = cli.feedback_db.clone().unwrap_or_else(|| cli.data_dir.join("feedback").join("feedback.sqlite3"));
    Ok(crate::store::FeedbackStore::open(&path, cli.store_note_text)?)
}

fn serve(
    engine: Arc<Engine>,
    options: crate::grpc::ServiceOptions,
    addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start tokio")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        if let Some(m) = metrics_addr {
            let metrics_listener =
                tokio::net::TcpListener::bind(m).await.with_context(|| format!("cannot listen on {m} for metrics"))?;
            tracing::info!(addr = %metrics_listener.local_addr()?, "Prometheus metrics at /metrics");
            tokio::spawn(crate::grpc::metrics::serve_metrics(Arc::clone(&options.metrics), metrics_listener));
        }
        tracing::info!(addr = %local, codeset = engine.codeset().version(), "cac gRPC service listening on {local}");
        crate::grpc::serve_with(engine, options, listener, shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("shutting down: finishing in-flight requests");
}
