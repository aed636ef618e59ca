//! Finding what the engine loads on disk: the ICD-10-CM release under `--data-dir`, and the ONNX Runtime
//! library.
//!
//! Layout setup creates: `data/icd10cm/<release>/<...tabular...>.xml`, release named `YYYY-MM` ("2026-04").
//! With several releases present the newest wins, so installing next October's file beside this one and
//! restarting is the whole upgrade. `--data-dir` may also point straight at a release folder or at a tabular
//! XML file.
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};

use crate::codeset::{CodeSet, SeverityLists};

/// A located ICD-10-CM release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub tabular: PathBuf,
    /// "ICD-10-CM 2026-04".
    pub label: String,
}

/// Finds the newest ICD-10-CM release under `data_dir`.
pub fn find_release(data_dir: &Path) -> Result<Release> {
    if data_dir.is_file() {
        let label = label_for(data_dir.parent().unwrap_or(Path::new(".")), data_dir);
        return Ok(Release { tabular: data_dir.to_path_buf(), label });
    }
    let nested = data_dir.join("icd10cm");
    let release_dir = if nested.is_dir() {
        release_dirs(&nested)?.pop().ok_or_else(|| missing(data_dir))?
    } else if tabular_in(data_dir).is_some() {
        data_dir.to_path_buf()
    } else {
        return Err(missing(data_dir));
    };
    let tabular = tabular_in(&release_dir).ok_or_else(|| missing(data_dir))?;
    Ok(Release { label: label_for(&release_dir, &tabular), tabular })
}

/// The release folders under `data/icd10cm` that hold a tabular file, oldest first (named `YYYY-MM`).
fn release_dirs(nested: &Path) -> Result<Vec<PathBuf>> {
    let mut releases: Vec<PathBuf> = std::fs::read_dir(nested)
        .with_context(|| format!("cannot read {}", nested.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && tabular_in(p).is_some())
        .collect();
    releases.sort();
    Ok(releases)
}

/// Parses a tabular XML file as the release `label`.
fn read_tabular(tabular: &Path, label: &str) -> Result<CodeSet> {
    let file = File::open(tabular).with_context(|| format!("cannot open {}", tabular.display()))?;
    CodeSet::from_tabular_xml(BufReader::with_capacity(1 << 16, file), label)
        .with_context(|| format!("cannot load {}", tabular.display()))
}

fn missing(data_dir: &Path) -> anyhow::Error {
    anyhow!(
        "no ICD-10-CM tabular XML under {} (expected icd10cm/<YYYY-MM>/*tabular*.xml); run `make setup` \
         (scripts/setup.sh) to fetch it, or point --data-dir at a CDC release",
        data_dir.display()
    )
}

/// The tabular XML in a release folder: the one `.xml` file whose name mentions "tabular".
fn tabular_in(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
            name.ends_with(".xml") && name.contains("tabular")
        })
        .collect();
    found.sort();
    found.pop()
}

/// "ICD-10-CM 2026-04" from a release folder named 2026-04; otherwise from the file name's year.
fn label_for(release_dir: &Path, tabular: &Path) -> String {
    let dir = release_dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let is_release =
        dir.len() == 7 && dir.as_bytes()[4] == b'-' && dir.chars().filter(char::is_ascii_digit).count() == 6;
    if is_release {
        return format!("ICD-10-CM {dir}");
    }
    // The fiscal year is the file name's four-digit run ("icd10cm_tabular_2027" -> 2027).
    let name = tabular.file_stem().and_then(|n| n.to_str()).unwrap_or("");
    match name.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 4) {
        Some(year) => format!("ICD-10-CM FY{year}"),
        None => "ICD-10-CM".to_string(),
    }
}

/// The releases under `data_dir` older than the newest (setup fetches FY2021 beside FY2026): what
/// `cac eval --crosswalk` and `cac features --gold` read gold coded in an older release with. Empty when
/// `data_dir` is a single release or file.
pub fn load_older_codesets(data_dir: &Path) -> Result<Vec<CodeSet>> {
    let nested = data_dir.join("icd10cm");
    if !nested.is_dir() {
        return Ok(Vec::new());
    }
    let mut releases = release_dirs(&nested)?;
    releases.pop();
    releases
        .iter()
        .filter_map(|dir| tabular_in(dir).map(|t| (dir, t)))
        .map(|(dir, tabular)| read_tabular(&tabular, &label_for(dir, &tabular)))
        .collect()
}

/// The valid-code lists of older releases under `data_dir/icd10cm-history` (setup fetches FY2019's,
/// `icd10cm_codes_2019.txt`: a code, spaces, its description, one per line, as CMS publishes them): the codes,
/// canonical ("R51", "M54.5"). Empty when there is none.
pub fn load_valid_code_history(data_dir: &Path) -> Result<Vec<String>> {
    let folder = data_dir.join("icd10cm-history");
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut codes = Vec::new();
    for entry in std::fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let code = line.split_whitespace().next().and_then(crate::codeset::canonical_code);
            codes.push(code.ok_or_else(|| anyhow!("{} line {}: not an ICD-10-CM code", path.display(), n + 1))?);
        }
    }
    Ok(codes)
}

/// Loads the newest release under `data_dir`, logging what and how long.
pub fn load_codeset(data_dir: &Path) -> Result<Arc<CodeSet>> {
    let release = find_release(data_dir)?;
    let started = Instant::now();
    let codes = read_tabular(&release.tabular, &release.label)?;
    tracing::info!(
        codeset = %codes.version(),
        codes = codes.len(),
        billable = codes.billable_count(),
        ms = started.elapsed().as_millis() as u64,
        file = %release.tabular.display(),
        "code set loaded"
    );
    Ok(Arc::new(codes))
}

/// The MS-DRG CC and MCC lists setup fetches (`<data_dir>/msdrg/<fiscal year>/cc_list.txt`, `mcc_list.txt`), the
/// newest fiscal year; `None` when the data directory has none (a bare CDC release folder), in which case
/// suggestions carry no CC/MCC flags and a warning says so.
pub fn load_severity(data_dir: &Path) -> Result<Option<SeverityLists>> {
    let root = data_dir.join("msdrg");
    let mut years: Vec<PathBuf> = match std::fs::read_dir(&root) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect(),
        Err(_) => Vec::new(),
    };
    years.sort();
    let Some(dir) = years.pop() else {
        tracing::warn!(dir = %root.display(), "no MS-DRG CC/MCC lists (run `make setup`): suggestions carry no cc/mcc flags");
        return Ok(None);
    };
    let read = |name: &str| -> Result<(String, String)> {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Ok((path.display().to_string(), text))
    };
    let (cc, mcc) = (read("cc_list.txt")?, read("mcc_list.txt")?);
    let lists = SeverityLists::parse((&cc.0, &cc.1), (&mcc.0, &mcc.1))?;
    let (ncc, nmcc) = lists.counts();
    tracing::info!(cc = ncc, mcc = nmcc, dir = %dir.display(), "MS-DRG severity lists loaded");
    Ok(Some(lists))
}

/// The ONNX Runtime library: `ORT_DYLIB_PATH`, then the copy setup installs under `.deps/`, then the capi folder
/// of an installed `onnxruntime` Python package.
pub fn find_onnxruntime() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        bail!("ORT_DYLIB_PATH is set to {}, which is not a file", path.display());
    }
    let mut tried = Vec::new();
    for base in project_roots() {
        let capi = base.join(".deps/onnxruntime/onnxruntime/capi");
        if let Some(lib) = library_in(&capi) {
            return Ok(lib);
        }
        tried.push(capi);
    }
    if let Some(capi) = python_onnxruntime_capi() {
        if let Some(lib) = library_in(&capi) {
            return Ok(lib);
        }
        tried.push(capi);
    }
    bail!(
        "ONNX Runtime library not found (looked in ORT_DYLIB_PATH, {}, and the Python onnxruntime package). \
         Install it with `make setup`, or `python3 -m pip install --no-deps --target .deps/onnxruntime \
         onnxruntime==1.31.1`, or set ORT_DYLIB_PATH to libonnxruntime.so",
        tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )
}

/// The working directory and the project root the binary was built in (target/<profile>/cac -> ../..).
fn project_roots() -> Vec<PathBuf> {
    let mut roots = vec![PathBuf::from(".")];
    if let Ok(exe) = std::env::current_exe()
        && let Some(root) = exe.parent().and_then(Path::parent).and_then(Path::parent)
    {
        roots.push(root.to_path_buf());
    }
    roots
}

fn library_in(capi: &Path) -> Option<PathBuf> {
    let mut libs: Vec<PathBuf> = std::fs::read_dir(capi)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("libonnxruntime.so")))
        .collect();
    libs.sort();
    libs.pop()
}

/// The capi folder of the `onnxruntime` package visible to python3 (find_spec does not import it, so numpy is
/// not needed).
fn python_onnxruntime_capi() -> Option<PathBuf> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import importlib.util,os;s=importlib.util.find_spec('onnxruntime');\
             print(os.path.join(list(s.submodule_search_locations)[0],'capi') if s else '')",
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_labels() {
        assert_eq!(label_for(Path::new("data/icd10cm/2026-04"), Path::new("x.xml")), "ICD-10-CM 2026-04");
        assert_eq!(
            label_for(Path::new("/tmp/cdc"), Path::new("/tmp/cdc/icd10cm_tabular_2027.xml")),
            "ICD-10-CM FY2027"
        );
    }
}
