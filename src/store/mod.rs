//! The feedback store: reviewers' decisions on suggestions, kept in an embedded SQLite database.
//!
//! Why SQLite: one file beside the code set, no server to run, transactions that survive a crash. The database
//! runs in WAL mode with `synchronous = FULL`, so a decision is on disk when its transaction commits, and only then
//! is it acknowledged: a `SIGKILL` at any moment loses nothing acknowledged and leaves nothing half-written.
//! The schema is versioned with `PRAGMA user_version` and upgraded by the ordered [`MIGRATIONS`] at open.
//!
//! Privacy: a decision is stored with the note's id and the SHA-256 of its text, the suggestion as it was shown
//! (code, score, model and code-set versions, evidence offsets, never evidence text) and the decision. The note
//! text itself is stored only when the operator asks for it (`--store-note-text`).
//!
//! Only this module, the gRPC layer and the CLI touch the file system.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Schema migrations, applied in order; entry `k` takes the schema from version `k` to `k + 1`.
const MIGRATIONS: &[&str] = &["
CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY,
    note_id        TEXT    NOT NULL,
    note_sha256    TEXT    NOT NULL,
    note_text      TEXT,
    code           TEXT    NOT NULL,
    system         TEXT    NOT NULL,
    score          REAL,
    model_version  TEXT    NOT NULL,
    codeset        TEXT    NOT NULL,
    evidence       TEXT    NOT NULL,
    decision       TEXT    NOT NULL CHECK (decision IN ('accepted', 'rejected', 'modified', 'added')),
    reason         TEXT,
    new_code       TEXT,
    reviewer_id    TEXT    NOT NULL,
    decided_at_ms  INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE INDEX feedback_code ON feedback (code);
CREATE INDEX feedback_model ON feedback (model_version);
CREATE INDEX feedback_note ON feedback (note_id);
"];

/// Why a decision could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The request is malformed; the message names the field, never its content.
    #[error("invalid feedback: {0}")]
    Invalid(String),
    /// The database could not be opened, migrated, read or written.
    #[error("feedback store: {0}")]
    Database(String),
    /// Writing an export failed.
    #[error("feedback export: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        // SQLite messages name tables and columns, not values.
        StoreError::Database(e.to_string())
    }
}

/// A reviewer's decision on a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The suggestion went on the claim as shown.
    Accepted,
    /// The suggestion was wrong (a reason is required).
    Rejected,
    /// The reviewer replaced the code with another (`new_code`).
    Modified,
    /// A code cac did not suggest, added by the reviewer.
    Added,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        Some(match s {
            "accepted" => Decision::Accepted,
            "rejected" => Decision::Rejected,
            "modified" => Decision::Modified,
            "added" => Decision::Added,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
            Decision::Modified => "modified",
            Decision::Added => "added",
        }
    }
}

/// The note a decision is about: its text (hashed here) or the hash the client computed.
#[derive(Debug, Clone)]
pub enum NoteRef {
    Text(String),
    Sha256(String),
}

/// One decision as submitted.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub note_id: String,
    pub note: NoteRef,
    pub code: String,
    pub system: String,
    pub score: Option<f64>,
    pub model_version: String,
    pub codeset: String,
    /// Evidence offsets as shown (characters of the note, end exclusive).
    pub evidence: Vec<(u32, u32)>,
    pub decision: Decision,
    pub reason: Option<String>,
    pub new_code: Option<String>,
    pub reviewer_id: String,
    /// When the reviewer decided (Unix milliseconds); the server's clock when absent.
    pub decided_at_ms: Option<i64>,
}

/// Decisions counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    pub accepted: u64,
    pub rejected: u64,
    pub modified: u64,
    pub added: u64,
}

impl Counts {
    /// Share of cac's suggestions kept as shown: accepted / (accepted + rejected + modified). Added codes are
    /// misses, not suggestions, and do not count. 0 when nothing was reviewed.
    pub fn acceptance_rate(&self) -> f64 {
        let reviewed = self.accepted + self.rejected + self.modified;
        if reviewed == 0 { 0.0 } else { self.accepted as f64 / reviewed as f64 }
    }

    fn add(&mut self, decision: &str, n: u64) {
        match decision {
            "accepted" => self.accepted += n,
            "rejected" => self.rejected += n,
            "modified" => self.modified += n,
            "added" => self.added += n,
            _ => {}
        }
    }
}

/// Acceptance overall, per code and per model version (the figures coding managers track).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub overall: Counts,
    pub per_code: Vec<(String, Counts)>,
    pub per_model: Vec<(String, Counts)>,
}

/// One exported decision: a training label for the scorer (`training/train.py --extra`).
#[derive(Debug, Serialize)]
struct ExportLine<'a> {
    note_id: &'a str,
    note_sha256: &'a str,
    code: &'a str,
    label: u8,
    decision: &'a str,
    model_version: &'a str,
    codeset: &'a str,
    reviewer_id: &'a str,
    decided_at_ms: i64,
}

/// The store. One connection behind a mutex: SQLite serializes writers anyway, and a decision is a short
/// transaction.
pub struct FeedbackStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    store_note_text: bool,
}

impl std::fmt::Debug for FeedbackStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedbackStore").field("path", &self.path).finish()
    }
}

/// The SHA-256 of a note's text, lower-case hex.
pub fn note_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl FeedbackStore {
    /// Opens (creating if needed) the database at `path`, its folder included, and brings the schema up to date.
    pub fn open(path: &Path, store_note_text: bool) -> Result<FeedbackStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Database(format!("cannot create {}: {e}", dir.display())))?;
        }
        let conn =
            Connection::open(path).map_err(|e| StoreError::Database(format!("cannot open {}: {e}", path.display())))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&conn)?;
        Ok(FeedbackStore { conn: Mutex::new(conn), path: path.to_path_buf(), store_note_text })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Validates and stores one decision; returns its id once the transaction is durable.
    pub fn submit(&self, f: &Feedback) -> Result<i64, StoreError> {
        validate(f)?;
        let (sha, text) = match &f.note {
            NoteRef::Text(t) => (note_sha256(t), self.store_note_text.then(|| t.clone())),
            NoteRef::Sha256(h) => (h.to_ascii_lowercase(), None),
        };
        let evidence = serde_json::to_string(&f.evidence).map_err(|e| StoreError::Database(e.to_string()))?;
        let now = now_ms();
        let mut conn = self.conn.lock().map_err(|_| StoreError::Database("the store's lock is poisoned".into()))?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO feedback (note_id, note_sha256, note_text, code, system, score, model_version, codeset,
                 evidence, decision, reason, new_code, reviewer_id, decided_at_ms, received_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                f.note_id,
                sha,
                text,
                f.code.to_ascii_uppercase(),
                f.system,
                f.score,
                f.model_version,
                f.codeset,
                evidence,
                f.decision.as_str(),
                f.reason,
                f.new_code.as_ref().map(|c| c.to_ascii_uppercase()),
                f.reviewer_id,
                f.decided_at_ms.unwrap_or(now),
                now,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Counts of decisions overall, per code (most reviewed first) and per model version.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::Database("the store's lock is poisoned".into()))?;
        let mut stats = Stats::default();
        let grouped = |sql: &str| -> Result<Vec<(String, Counts)>, StoreError> {
            let mut out: Vec<(String, Counts)> = Vec::new();
            let mut stmt = conn.prepare(sql)?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
            for row in rows {
                let (key, decision, n) = row?;
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, c)) => c.add(&decision, n as u64),
                    None => {
                        let mut c = Counts::default();
                        c.add(&decision, n as u64);
                        out.push((key, c));
                    }
                }
            }
            Ok(out)
        };
        for (_, c) in grouped("SELECT '', decision, COUNT(*) FROM feedback GROUP BY decision")? {
            stats.overall = c;
        }
        stats.per_code = grouped("SELECT code, decision, COUNT(*) FROM feedback GROUP BY code, decision")?;
        stats.per_code.sort_by(|a, b| total(&b.1).cmp(&total(&a.1)).then(a.0.cmp(&b.0)));
        stats.per_model =
            grouped("SELECT model_version, decision, COUNT(*) FROM feedback GROUP BY model_version, decision")?;
        stats.per_model.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(stats)
    }

    /// Writes every decision as JSON lines of training labels: accepted and added codes are positives, rejected
    /// ones negatives, a modified suggestion a negative for the code shown and a positive for the reviewer's
    /// code. Returns the number of lines written.
    pub fn export(&self, out: &mut impl Write) -> Result<usize, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::Database("the store's lock is poisoned".into()))?;
        let mut stmt = conn.prepare(
            "SELECT note_id, note_sha256, code, decision, new_code, model_version, codeset, reviewer_id,
                    decided_at_ms FROM feedback ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let (note_id, sha, code, decision): (String, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let new_code: Option<String> = r.get(4)?;
            let (model_version, codeset, reviewer_id, decided_at_ms): (String, String, String, i64) =
                (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?);
            let mut line = |code: &str, label: u8| -> Result<(), StoreError> {
                let l = ExportLine {
                    note_id: &note_id,
                    note_sha256: &sha,
                    code,
                    label,
                    decision: &decision,
                    model_version: &model_version,
                    codeset: &codeset,
                    reviewer_id: &reviewer_id,
                    decided_at_ms,
                };
                serde_json::to_writer(&mut *out, &l).map_err(|e| StoreError::Io(e.into()))?;
                out.write_all(b"\n")?;
                n += 1;
                Ok(())
            };
            match decision.as_str() {
                "accepted" | "added" => line(&code, 1)?,
                "rejected" => line(&code, 0)?,
                "modified" => {
                    line(&code, 0)?;
                    if let Some(new) = &new_code {
                        line(new, 1)?;
                    }
                }
                _ => {}
            }
        }
        Ok(n)
    }

    /// The stored decision with this id, as (note_id, code, decision): for checks after a crash.
    pub fn get(&self, id: i64) -> Result<Option<(String, String, String)>, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::Database("the store's lock is poisoned".into()))?;
        Ok(conn
            .query_row("SELECT note_id, code, decision FROM feedback WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?)
    }

    /// SQLite's own consistency check: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::Database("the store's lock is poisoned".into()))?;
        Ok(conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Stored decisions in all.
    pub fn count(&self) -> Result<u64, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::Database("the store's lock is poisoned".into()))?;
        Ok(conn.query_row("SELECT COUNT(*) FROM feedback", [], |r| r.get::<_, i64>(0))? as u64)
    }
}

fn total(c: &Counts) -> u64 {
    c.accepted + c.rejected + c.modified + c.added
}

fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(0);
    if version > MIGRATIONS.len() {
        return Err(StoreError::Database(format!(
            "the database has schema version {version}, newer than this cac ({}); upgrade cac",
            MIGRATIONS.len()
        )));
    }
    for (k, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (k + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn validate(f: &Feedback) -> Result<(), StoreError> {
    let invalid = |m: &str| Err(StoreError::Invalid(m.to_string()));
    if f.note_id.trim().is_empty() {
        return invalid("note_id is empty");
    }
    match &f.note {
        NoteRef::Text(t) if t.is_empty() => return invalid("note_text is empty"),
        NoteRef::Sha256(h) if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) => {
            return invalid("note_sha256 must be 64 hex digits (or send note_text)");
        }
        _ => {}
    }
    if f.code.trim().is_empty() {
        return invalid("code is empty");
    }
    if f.reviewer_id.trim().is_empty() {
        return invalid("reviewer_id is empty");
    }
    if f.evidence.iter().any(|&(b, e)| b > e) {
        return invalid("an evidence span ends before it begins");
    }
    match f.decision {
        Decision::Rejected if f.reason.as_deref().is_none_or(|r| r.trim().is_empty()) => {
            invalid("a rejection needs a reason")
        }
        Decision::Modified if f.new_code.as_deref().is_none_or(|c| c.trim().is_empty()) => {
            invalid("a modification needs new_code")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cac-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("feedback.sqlite3")
    }

    fn decision(code: &str, decision: Decision) -> Feedback {
        Feedback {
            note_id: "n1".into(),
            note: NoteRef::Text("Assessment: heart failure.".into()),
            code: code.into(),
            system: "ICD-10-CM".into(),
            score: Some(0.8),
            model_version: "scorer-test".into(),
            codeset: "ICD-10-CM 2026-04".into(),
            evidence: vec![(12, 25)],
            decision,
            reason: (decision == Decision::Rejected).then(|| "not documented".into()),
            new_code: (decision == Decision::Modified).then(|| "I50.23".into()),
            reviewer_id: "coder-7".into(),
            decided_at_ms: Some(1_700_000_000_000),
        }
    }

    #[test]
    fn decisions_are_stored_counted_and_exported() {
        let path = temp_db("stats");
        let store = FeedbackStore::open(&path, false).unwrap();
        for (code, d) in [
            ("I50.9", Decision::Accepted),
            ("I50.9", Decision::Modified),
            ("R07.9", Decision::Rejected),
            ("E87.1", Decision::Added),
        ] {
            store.submit(&decision(code, d)).unwrap();
        }
        let stats = store.stats().unwrap();
        assert_eq!(stats.overall, Counts { accepted: 1, rejected: 1, modified: 1, added: 1 });
        assert!((stats.overall.acceptance_rate() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(stats.per_code[0].0, "I50.9");
        assert_eq!(stats.per_model.len(), 1);
        let mut out = Vec::new();
        assert_eq!(store.export(&mut out).unwrap(), 5);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#""code":"I50.23","label":1"#), "{text}");
        assert!(!text.contains("heart failure"), "the note text is never exported");
        // Reopening keeps everything and does not migrate twice.
        drop(store);
        let store = FeedbackStore::open(&path, false).unwrap();
        assert_eq!(store.count().unwrap(), 4);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn note_text_is_stored_only_when_asked() {
        let path = temp_db("text");
        let store = FeedbackStore::open(&path, false).unwrap();
        store.submit(&decision("I50.9", Decision::Accepted)).unwrap();
        let conn = Connection::open(&path).unwrap();
        let (text, sha): (Option<String>, String) =
            conn.query_row("SELECT note_text, note_sha256 FROM feedback", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!(text, None);
        assert_eq!(sha, note_sha256("Assessment: heart failure."));
        let path = temp_db("text-kept");
        let store = FeedbackStore::open(&path, true).unwrap();
        store.submit(&decision("I50.9", Decision::Accepted)).unwrap();
        let conn = Connection::open(&path).unwrap();
        let text: Option<String> = conn.query_row("SELECT note_text FROM feedback", [], |r| r.get(0)).unwrap();
        assert_eq!(text.as_deref(), Some("Assessment: heart failure."));
    }

    #[test]
    fn malformed_decisions_are_refused_without_echoing_content() {
        let store = FeedbackStore::open(&temp_db("invalid"), false).unwrap();
        let mut f = decision("R07.9", Decision::Rejected);
        f.reason = None;
        assert!(store.submit(&f).unwrap_err().to_string().contains("reason"));
        let mut f = decision("I50.9", Decision::Modified);
        f.new_code = None;
        assert!(store.submit(&f).unwrap_err().to_string().contains("new_code"));
        let mut f = decision("I50.9", Decision::Accepted);
        f.note = NoteRef::Sha256("not-a-hash".into());
        let err = store.submit(&f).unwrap_err().to_string();
        assert!(err.contains("note_sha256") && !err.contains("not-a-hash"), "{err}");
        assert_eq!(store.count().unwrap(), 0);
    }
}
