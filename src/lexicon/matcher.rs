//! Matching one note: phrases, composition, refinement, selection (see the module doc of `lexicon`).
use std::collections::HashSet;

use super::clinical::NEAR;
use super::words::CAPITAL_A;
use super::{Lexicon, MatchKind, Mention, PhraseMeaning, TermSource, is_transparent};
use crate::codeset::{CodeId, CodeSet};
use crate::context::Assertion;
use crate::text::Document;
use crate::text::phrases::{PhraseMatch, longest_non_overlapping};

/// Extra positions a match may spread over beyond the ones it uses (at least this many, or as many as it uses).
const SLACK: usize = 3;

/// A candidate before selection.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub code: CodeId,
    pub node: CodeId,
    /// Stream positions whose words the match used, sorted and unique.
    pub positions: Vec<u32>,
    pub weight: u16,
    pub kind: MatchKind,
    pub source: TermSource,
    pub direct: bool,
    /// Length of the chosen code's description: among equal readings the plainer code wins ("Rheumatoid
    /// arthritis, unspecified" over "... without rheumatoid factor, unspecified site"); a remainder code ("Other
    /// ...") counts as longer than any description.
    pub plainness: usize,
    /// One side of a bilateral condition coded as its right and its left code (`Matcher::finish`): the other side,
    /// on the same positions, is not a competing reading of them.
    pub side_of_bilateral: bool,
    /// The positions of the words a composed reading (`compose`) took for its term, before refinement added
    /// more: what the crossing rule of `select` looks at. Empty for a phrase read as written.
    pub term: Vec<u32>,
}

impl Hit {
    /// The code a clinical-lexicon term names, read from the term's own words.
    fn named(code: CodeId, m: &PhraseMatch, len: u16) -> Hit {
        Hit {
            code,
            node: code,
            positions: (m.first as u32..m.last as u32).collect(),
            weight: len.max(1),
            kind: MatchKind::Lexicon,
            source: TermSource::Lexicon,
            direct: true,
            plainness: 0,
            side_of_bilateral: false,
            term: Vec::new(),
        }
    }
}

/// The note as a stream of word positions (tokens minus transparent punctuation and header words).
pub(super) struct Matcher<'l, 'd, 'a> {
    pub(super) lex: &'l Lexicon,
    pub(super) codes: &'l CodeSet,
    pub(super) doc: &'d Document<'a>,
    /// Document token of each position.
    pub(super) tok: Vec<usize>,
    /// Word id of each position's own token (0 when no term uses it).
    ids: Vec<u32>,
    /// Clause of each position: sentences, split further at ";" and ":".
    pub(super) clause: Vec<u32>,
    /// Comma-separated segment of each position.
    pub(super) segment: Vec<u32>,
    /// Concept words of each position (CSR): `words[word_off[p]..word_off[p + 1]]`.
    word_off: Vec<u32>,
    words: Vec<u32>,
    expanded: Vec<bool>,
    /// The code a lexicon term named, at the position whose words it supplied.
    pub(super) named: Vec<Option<CodeId>>,
    /// The last position of the phrase that supplied a position's words (the position itself otherwise), so
    /// that evidence covers the whole phrase ("abdominal pain", not "abdominal").
    pub(super) phrase_end: Vec<u32>,
    direct: Vec<Hit>,
    /// How many "from" positions there are up to each position, and the word id of "secondary": a metastasis
    /// "from" a site names the primary, so a secondary-neoplasm term never reads its site across a "from"
    /// ("brain metastasis from lung adenocarcinoma" is not a secondary of the lung). An "of" followed closely by a
    /// malignancy word counts as one.
    from_count: Vec<u32>,
    secondary: u32,
    /// The word id of "non", and the positions written after "non-": "non-hepatic" is not "hepatic"
    /// ([`Self::validate`]).
    non: u32,
    non_prefixed: Vec<bool>,
    /// How many spread markers there are up to each position: what a cancer spread "to" is a secondary site, so no
    /// term reads words on both sides of one ("breast cancer metastatic to bone" is neither a malignant neoplasm of
    /// bone nor a secondary of the breast). The marker is at "metastatic" in "metastatic to" (the lexicon reads
    /// it as a secondary neoplasm that takes the site after it), and at "to" in "metastatic carcinoma to" and in
    /// "spread to" after a malignancy word of the same clause.
    pub(super) spread_count: Vec<u32>,
    /// How many negation words there are up to each position: no term reads words on both sides of one ("X-rays of
    /// the neck reveal no fractures" is not a fracture of the neck that the negation, inside the match, would not
    /// reach).
    negation_count: Vec<u32>,
    /// For each position, the span of the longest term read as written that covers it ("left ventricular
    /// hypertrophy"): refinement takes no word from a term the match does not overlap ("left" there is the
    /// ventricle's, not a side of the heart failure or the foot pain written after it).
    pub(super) written: Vec<Option<(u32, u32)>>,
    /// For each position of a phrase of several words read as other words, the phrase's first position. Its own
    /// words that those words drop are not read again: "lower limb pain" is pain in leg, and its "lower" would
    /// make it a lower leg.
    in_synonym_phrase: Vec<Option<u32>>,
    /// For each position, whether its word is an adjective qualifying the noun after it
    /// ([`Self::qualifies_next`]), and how many "and", "or", "with" and "plus" there are up to it: what the adjective
    /// rule of [`Self::validate`] asks of every reading, computed once per note.
    qualifies: Vec<bool>,
    joins: Vec<u32>,
    /// The word of the patient's sex ("female" or "male") as the note's words tell it, `None` when they do not:
    /// the classification's sex axis ("... of left female breast") is read from it. Read from the note only when a
    /// refinement asks ([`Matcher::sex`]).
    sex: std::cell::OnceCell<Option<u32>>,
    /// The trimester the note's gestational age falls in ([`gestation_trimester`]): the classification's trimester
    /// axis ("Unspecified pre-eclampsia, third trimester") is read from it. Read only when a refinement asks.
    trimester: std::cell::OnceCell<Option<u8>>,
}

/// Words that deny what follows them; a composed term never spans one.
const NEGATIONS: &[&str] = &["no", "not", "without", "denies", "denied", "negative"];

impl<'l, 'd, 'a> Matcher<'l, 'd, 'a> {
    pub(super) fn new(lex: &'l Lexicon, codes: &'l CodeSet, doc: &'d Document<'a>) -> Self {
        let n = doc.tokens().len();
        let mut m = Matcher {
            lex,
            codes,
            doc,
            tok: Vec::with_capacity(n),
            ids: Vec::with_capacity(n),
            clause: Vec::with_capacity(n),
            segment: Vec::with_capacity(n),
            word_off: Vec::with_capacity(n + 1),
            words: Vec::with_capacity(n),
            expanded: Vec::with_capacity(n),
            named: Vec::new(),
            phrase_end: Vec::new(),
            direct: Vec::new(),
            from_count: Vec::with_capacity(n),
            secondary: lex.words.lookup("secondary"),
            non: lex.words.lookup("non"),
            non_prefixed: Vec::with_capacity(n),
            spread_count: Vec::new(),
            negation_count: Vec::with_capacity(n),
            in_synonym_phrase: Vec::new(),
            written: Vec::new(),
            qualifies: Vec::new(),
            joins: Vec::new(),
            sex: std::cell::OnceCell::new(),
            trimester: std::cell::OnceCell::new(),
        };
        let mut negations = 0u32;
        let mut froms = 0u32;
        let (mut clause, mut segment) = (0u32, 0u32);
        let mut sentence = usize::MAX;
        let mut after_apostrophe = false;
        // An abbreviation in parentheses ("acute lymphoblastic leukemia (ALL) in remission", "loss of visual acuity
        // (VA) in left eye (LE)") restates what precedes it: it and its parentheses are passed over, so the words
        // around it read as one phrase.
        let abbreviation_in_parentheses = |i: usize| {
            let inner = |j: usize| {
                let w = doc.original(j);
                (1..=6).contains(&w.len())
                    && w.chars().all(|c| c.is_ascii_alphabetic())
                    && w.chars().filter(char::is_ascii_uppercase).count() >= 2.min(w.len())
            };
            match doc.norm(i) {
                "(" => i + 2 < n && doc.norm(i + 2) == ")" && inner(i + 1),
                ")" => i >= 2 && doc.norm(i - 2) == "(" && inner(i - 1),
                _ => i >= 1 && i + 1 < n && doc.norm(i - 1) == "(" && doc.norm(i + 1) == ")" && inner(i),
            }
        };
        for i in 0..n {
            if doc.sentence_index(i) != sentence {
                sentence = doc.sentence_index(i);
                clause += 1;
                segment += 1;
            }
            if doc.in_header(i) {
                continue;
            }
            let norm = doc.norm(i);
            if abbreviation_in_parentheses(i) {
                continue;
            }
            // A list's enumerator ("1. Type 2 diabetes mellitus") numbers the item: it is no type or stage of the
            // condition after it.
            let enumerator = (1..=2).contains(&norm.len())
                && norm.chars().all(|c| c.is_ascii_digit())
                && (i == 0 || doc.line_end(i - 1))
                && i + 1 < n
                && matches!(doc.norm(i + 1), "." | ")");
            if enumerator {
                continue;
            }
            if is_transparent(norm) {
                after_apostrophe = matches!(norm, "'" | "\u{2019}");
                continue;
            }
            if std::mem::take(&mut after_apostrophe) && norm == "s" {
                continue;
            }
            match norm {
                ";" | ":" => {
                    clause += 1;
                    segment += 1;
                    continue;
                }
                "," | "(" | ")" | "[" | "]" => {
                    segment += 1;
                    continue;
                }
                _ => {}
            }
            // A capital "A" after a word in the same sentence is a type letter ("hepatitis A"), not the article.
            let letter = doc.original(i) == "A"
                && m.tok.last().is_some_and(|&t| doc.sentence_index(t) == sentence && doc.norm(t).len() > 1);
            // "Of" before a malignancy names the primary too: "metastasis of cutaneous melanoma" is no secondary
            // of the skin.
            let of_primary = norm == "of"
                && (i + 1..(i + 5).min(n))
                    .take_while(|&j| doc.sentence_index(j) == sentence)
                    .any(|j| MALIGNANCY.contains(&doc.norm(j)));
            froms += u32::from(norm == "from" || of_primary);
            m.from_count.push(froms);
            negations += u32::from(NEGATIONS.contains(&norm));
            m.negation_count.push(negations);
            m.tok.push(i);
            m.non_prefixed.push(i >= 2 && doc.norm(i - 1) == "-" && doc.norm(i - 2) == "non");
            m.ids.push(lex.words.lookup(if letter { CAPITAL_A } else { norm }));
            m.clause.push(clause);
            m.segment.push(segment);
        }
        m.spread_count = spread_markers(|p| doc.norm(m.tok[p]), &m.clause);
        m.qualifies = (0..m.len()).map(|p| m.qualifies_next(p)).collect();
        let mut joins = 0u32;
        m.joins = (0..m.len())
            .map(|p| {
                joins += u32::from(matches!(doc.norm(m.tok[p]), "and" | "or" | "with" | "plus"));
                joins
            })
            .collect();
        m
    }

    /// The word of the patient's sex, read from the note's words once, when first asked.
    pub(super) fn sex(&self) -> Option<u32> {
        *self.sex.get_or_init(|| match patient_sex((0..self.doc.tokens().len()).map(|i| self.doc.norm(i))) {
            Some(Sex::Female) => self.lex.axis.female,
            Some(Sex::Male) => self.lex.axis.male,
            None => None,
        })
    }

    /// The trimester of the pregnancy (1, 2 or 3) by the gestational age the note writes, `None` when it writes none.
    pub(super) fn trimester(&self) -> Option<u8> {
        *self.trimester.get_or_init(|| gestation_trimester(self.doc))
    }

    pub(super) fn run(mut self) -> Vec<Mention> {
        self.phrases();
        let mut hits = std::mem::take(&mut self.direct);
        hits.extend(self.compose());
        // Terms read as written, contiguous: the span of the longest covering each position.
        self.written = vec![None; self.len()];
        for h in hits.iter().filter(|h| h.kind != MatchKind::Compositional) {
            let (a, b) = (h.positions[0], h.positions[h.positions.len() - 1]);
            for p in a..=b {
                let slot = &mut self.written[p as usize];
                if slot.is_none_or(|(x, y)| y - x < b - a) {
                    *slot = Some((a, b));
                }
            }
        }
        let mut finished = Vec::with_capacity(hits.len());
        for hit in hits {
            self.finish(hit, &mut finished);
        }
        let hits = finished;
        let selected = select(hits, |p| self.coordinated(p));
        let services = self.service_names();
        selected
            .into_iter()
            .map(|h| self.mention(h))
            .filter(|m| !self.lab_label(m))
            .filter(|m| {
                // A service's name is not a diagnosis: "referred to the Pain Unit", "the Infectious Diseases and
                // Internal Medicine Services". An encounter code (Z) keeps it: care in a palliative care unit is
                // palliative care (Z51.5).
                !(m.tokens.0..m.tokens.1).all(|t| services.get(t).copied().unwrap_or(false))
                    || self.codes.code(m.code).code.starts_with('Z')
            })
            .collect()
    }

    /// The concept words at a position.
    pub(super) fn words_at(&self, p: usize) -> &[u32] {
        &self.words[self.word_off[p] as usize..self.word_off[p + 1] as usize]
    }

    pub(super) fn len(&self) -> usize {
        self.tok.len()
    }

    /// Step 1: clinical-lexicon phrases, then the concept words of every position.
    fn phrases(&mut self) {
        let lex = self.lex;
        let found = lex.phrases.find_all(&self.ids);
        let names_code = |m: &PhraseMatch| {
            let (first, last) = (self.tok[m.first], self.tok[m.last - 1]);
            lex.phrases.payloads(m.phrase).iter().any(|&p| {
                let info = &lex.phrase_info[p as usize];
                matches!(info.meaning, PhraseMeaning::Code(_)) && self.allowed(&info.constraints, first, last)
            })
        };
        let selected = longest_non_overlapping(found.clone(), |m| {
            let (first, last) = (self.tok[m.first], self.tok[m.last - 1]);
            if self.doc.sentence_index(first) != self.doc.sentence_index(last) {
                return false;
            }
            lex.phrases
                .payloads(m.phrase)
                .iter()
                .any(|&p| self.allowed(&lex.phrase_info[p as usize].constraints, first, last))
        });
        // Two terms that each name a code and share the head between them ("diabetic CKD" E11.22 and "CKD 3b"
        // N18.32 in "Diabetic CKD 3b") are two codes: the later one, which lost the overlap, still names its code
        // when no other phrase reads the words it adds.
        let chained: Vec<PhraseMatch> = found
            .iter()
            .filter(|m| {
                let Some(head) =
                    selected.iter().find(|s| s.first < m.first && m.first < s.last && s.last < m.last && names_code(s))
                else {
                    return false;
                };
                let added_words_read = selected.iter().any(|t| t.first < m.last && t.last > head.last);
                !added_words_read
                    && self.doc.sentence_index(self.tok[m.first]) == self.doc.sentence_index(self.tok[m.last - 1])
                    && names_code(m)
            })
            .copied()
            .collect();
        let n = self.len();
        let mut expansion: Vec<Option<&[u32]>> = vec![None; n];
        self.named = vec![None; n];
        self.phrase_end = (0..n as u32).collect();
        let mut covered = vec![false; n];
        let mut suppressed = vec![false; n];
        self.in_synonym_phrase = vec![None; n];
        for m in &selected {
            for &p in lex.phrases.payloads(m.phrase) {
                let info = &lex.phrase_info[p as usize];
                let (first, last) = (self.tok[m.first], self.tok[m.last - 1]);
                if !self.allowed(&info.constraints, first, last) {
                    continue;
                }
                match &info.meaning {
                    PhraseMeaning::Suppress => {
                        suppressed[m.first..m.last].iter_mut().for_each(|c| *c = true);
                        covered[m.first..m.last].iter_mut().for_each(|c| *c = true);
                    }
                    PhraseMeaning::Words(w) => {
                        expansion[m.first] = Some(w);
                        if m.last - m.first > 1 {
                            self.in_synonym_phrase[m.first..m.last].fill(Some(m.first as u32));
                        }
                        self.phrase_end[m.first] = (m.last - 1) as u32;
                        covered[m.first..m.last].iter_mut().for_each(|c| *c = true);
                    }
                    PhraseMeaning::Code(code) => {
                        // A term that names a code means that code's words, so it composes like them:
                        // "CKD 3b" names N18.32 and also supplies "chronic kidney disease" to "type 2 DM with
                        // diabetic CKD 3b".
                        expansion[m.first] = Some(&lex.code_words[*code as usize]);
                        self.named[m.first] = Some(*code);
                        self.phrase_end[m.first] = (m.last - 1) as u32;
                        covered[m.first..m.last].iter_mut().for_each(|c| *c = true);
                        self.direct.push(Hit::named(*code, m, info.len))
                    }
                }
            }
        }
        for m in &chained {
            let (first, last) = (self.tok[m.first], self.tok[m.last - 1]);
            for &p in lex.phrases.payloads(m.phrase) {
                let info = &lex.phrase_info[p as usize];
                if let PhraseMeaning::Code(code) = info.meaning {
                    if self.allowed(&info.constraints, first, last) {
                        self.direct.push(Hit::named(code, m, info.len));
                        covered[m.first..m.last].iter_mut().for_each(|c| *c = true);
                    }
                }
            }
        }
        // A spread marker "to" that no phrase read ("metastatic breast cancer to the bone") is a secondary
        // malignant neoplasm of the site after it, as "metastatic to" is.
        for p in 0..n {
            let marker = self.spread_count[p] > if p > 0 { self.spread_count[p - 1] } else { 0 };
            if marker && expansion[p].is_none() && !covered[p] && self.doc.norm(self.tok[p]) == "to" {
                expansion[p] = Some(&lex.spread_words);
            }
        }
        // Words after "without" name what is absent ("diabetes without complications"): they support nothing. So
        // does the one word after "not" ("migraine without aura, not intractable"); a longer "not" clause ("had
        // not had fever") is left to assertion, which reports the mention as negated.
        let mut absent = false;
        self.word_off.push(0);
        for p in 0..n {
            if p > 0 && self.segment[p] != self.segment[p - 1] {
                absent = false;
            }
            match self.doc.norm(self.tok[p]) {
                "without" => absent = true,
                "with" | "and" | "but" => absent = false,
                _ => {}
            }
            let not_before = p > 0 && self.segment[p] == self.segment[p - 1] && self.doc.norm(self.tok[p - 1]) == "not";
            if absent || not_before {
                self.expanded.push(false);
                self.word_off.push(self.words.len() as u32);
                continue;
            }
            // A phrase's words are added to its first position; a one-word phrase keeps its own word too, so
            // that the code set's own use of a word still matches ("tumor lysis syndrome" when "tumor" also
            // stands for "neoplasm", "carcinoma in situ" when "carcinoma" stands for "malignant neoplasm").
            let id = self.ids[p];
            if let Some(w) = expansion[p] {
                self.words.extend_from_slice(w);
            }
            let dropped =
                self.in_synonym_phrase[p].is_some_and(|f| expansion[f as usize].is_some_and(|w| !w.contains(&id)));
            if id != 0
                && !suppressed[p]
                && !dropped
                && !lex.stop.contains(&id)
                && !self.words[self.word_off[p] as usize..].contains(&id)
            {
                self.words.push(id);
            }
            self.expanded.push(expansion[p].is_some() || covered[p]);
            self.word_off.push(self.words.len() as u32);
        }
    }

    /// May a term with these constraints be read at document tokens `first..=last`?
    fn allowed(&self, c: &super::Constraints, first: usize, last: usize) -> bool {
        if c.is_empty() {
            return true;
        }
        let doc = self.doc;
        if let Some(upper) = &c.upper {
            if (first..=last).any(|i| doc.original(i).chars().any(char::is_lowercase)) {
                return false;
            }
            let mut written = (first..=last).flat_map(|i| doc.original(i).chars()).filter(char::is_ascii_alphanumeric);
            if !upper.chars().eq(written.by_ref().take(upper.len() + 1)) {
                return false;
            }
        }
        if c.not_sections.contains(&doc.section_of(first)) {
            return false;
        }
        if !c.not_near.is_empty() {
            let lo = first.saturating_sub(NEAR);
            let hi = (last + NEAR + 1).min(doc.tokens().len());
            if (lo..hi).filter(|&i| i < first || i > last).any(|i| c.not_near.iter().any(|w| w == doc.norm(i))) {
                return false;
            }
        }
        true
    }

    /// Step 2: code-set terms whose words all occur close together in one clause.
    fn compose(&self) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut seen: HashSet<(u32, Vec<u32>)> = HashSet::new();
        // Buffers reused across the (many) terms tried: most are rejected, and rejection allocates nothing.
        let (mut chosen, mut used): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let n = self.len();
        // How many coordinations there are before each position.
        let mut coordinations = Vec::with_capacity(n + 1);
        coordinations.push(0u32);
        for p in 0..n {
            coordinations.push(coordinations[p] + u32::from(self.coordinated(p)));
        }
        let generic: Vec<u32> = super::terms::GENERIC_NOUNS.iter().map(|w| self.lex.words.lookup(w)).collect();
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && self.clause[end] == self.clause[start] {
                end += 1;
            }
            pairs.clear();
            for p in start..end {
                pairs.extend(self.words_at(p).iter().map(|&w| (w, p as u32)));
            }
            pairs.sort_unstable();
            pairs.dedup();
            for &(w, p) in &pairs {
                let Some(list) = self.lex.by_anchor.get(&w) else { continue };
                for &e in list {
                    let entry = &self.lex.entries[e as usize];
                    if !nearest_positions(&pairs, &entry.words, w, p, &mut chosen) {
                        continue;
                    }
                    if !entry.capitals.is_empty() && !self.in_capitals(entry, &chosen) {
                        continue;
                    }
                    // Within its own category a named code is refined from its surroundings, not re-read
                    // from the words it stands for: "left leg DVT" is I82.40 refined to I82.402, never a
                    // sibling such as a calf vein.
                    let sibling = |named: CodeId| {
                        self.codes.code(named).category() == self.codes.code(entry.node).category()
                            && !self.codes.ancestors(entry.node).any(|a| a == named)
                    };
                    if chosen.iter().any(|&q| self.named[q as usize].is_some_and(sibling)) {
                        continue;
                    }
                    // A phrase of several words naming a code, or an abbreviation of several, lends that code's words
                    // as a whole, not one of them: "septic shock" (R65.21 "Severe sepsis with septic shock") gives no
                    // "severe" to the abdominal pain written before it (R10.0 "severe abdominal pain"), nor "AMI"
                    // its "myocardial" to the heart disease beside it (I51.5 "myocardial disease").
                    let lends_one = |q: u32| {
                        let end = self.phrase_end[q as usize];
                        let phrase = self.named[q as usize].is_some() && end > q;
                        let abbreviation = self.named[q as usize].is_none()
                            && self.expanded[q as usize]
                            && self.words_at(q as usize).len() > 2;
                        // The abbreviation's own written word ("hepatocellular" for "hepatocellular carcinoma") is
                        // not lent.
                        if !phrase && !abbreviation {
                            return false;
                        }
                        let mut taken = chosen.iter().enumerate().filter(|(_, c)| (q..=end).contains(c));
                        match (taken.next(), taken.next()) {
                            (Some((k, _)), None) => phrase || entry.words[k] != self.ids[q as usize],
                            _ => false,
                        }
                    };
                    if chosen.len() > 1 && chosen.iter().any(|&q| lends_one(q)) {
                        continue;
                    }
                    // Nor does a phrase read as other words lend some of them past an "and", "or" or comma after it:
                    // "knee pain and both hands swollen" is no pain in the hands.
                    let lends_past = |&q: &u32| {
                        let end = self.phrase_end[q as usize];
                        end > q
                            && self.named[q as usize].is_none()
                            && self.expanded[q as usize]
                            && chosen.iter().filter(|&&c| c == q).count() < self.words_at(q as usize).len()
                            && chosen
                                .iter()
                                .any(|&c| c > end && coordinations[c as usize] != coordinations[end as usize])
                    };
                    if chosen.len() > 1 && chosen.iter().any(lends_past) {
                        continue;
                    }
                    // Nor does a term naming a code lend only that code's generic noun: "infection" names B99.9
                    // ("unspecified infectious disease"), and its "disease" makes no renal disease (N28.9) of the
                    // renal colic beside it.
                    let lends_generic = |&q: &u32| {
                        self.named[q as usize].is_some_and(|named| named != entry.node)
                            && entry
                                .words
                                .iter()
                                .zip(chosen.iter())
                                .filter(|&(_, &c)| c == q)
                                .all(|(&w, _)| w != self.ids[q as usize] && generic.contains(&w))
                    };
                    if chosen.len() > 1 && chosen.iter().any(lends_generic) {
                        continue;
                    }
                    // A metastasis is a secondary malignant neoplasm: it lends "malignant neoplasm" to no primary
                    // of the site beside it ("abdominal wall metastasis" is no C49.4), unless the term also reads
                    // the primary's own tumor or origin ("sigmoid colon tumor with metastases", "gastric origin of
                    // the metastasis").
                    let secondary_only =
                        |q: &u32| self.expanded[*q as usize] && self.words_at(*q as usize).contains(&self.secondary);
                    let primary = || {
                        let (lo, hi) = chosen.iter().fold((u32::MAX, 0), |(lo, hi), &q| (lo.min(q), hi.max(q)));
                        (self.tok[lo as usize]..=self.tok[hi as usize]).any(|t| {
                            let norm = self.doc.norm(t);
                            MALIGNANCY.contains(&norm) || matches!(norm, "origin" | "primary")
                        })
                    };
                    if self.secondary != 0
                        && !entry.words.contains(&self.secondary)
                        && chosen.iter().any(secondary_only)
                        && !primary()
                    {
                        continue;
                    }
                    // Nor is it read again as another code from its words alone: "diabetic kidney disease" names
                    // E11.22, and the "2" of "type 2" in that code's words is no CKD stage 2; "HHD" names I11.9,
                    // and its "heart disease" is no I51.9.
                    let inside_named = |q: u32| {
                        self.named[q as usize].is_some_and(|named| named != entry.node)
                            && chosen.iter().all(|&c| (q..=self.phrase_end[q as usize]).contains(&c))
                    };
                    if chosen.iter().any(|&q| inside_named(q)) {
                        continue;
                    }
                    sorted_unique(&chosen, &mut used);
                    let Some(kind) = self.validate(&chosen, &used, &entry.words, &entry.order, p) else { continue };
                    if !seen.insert((e, used.clone())) {
                        continue;
                    }
                    let positions = used.clone();
                    let kind = match (kind, entry.source) {
                        (MatchKind::Exact, TermSource::DescriptionVariant | TermSource::InclusionVariant) => {
                            MatchKind::Variant
                        }
                        (k, _) => k,
                    };
                    hits.push(Hit {
                        code: entry.node,
                        node: entry.node,
                        positions,
                        weight: entry.words.len() as u16,
                        kind,
                        source: entry.source,
                        direct: false,
                        plainness: 0,
                        side_of_bilateral: false,
                        term: Vec::new(),
                    });
                }
            }
            start = end;
        }
        hits
    }

    /// Is there a coordination after position `p`: "and", "or", or a comma before the next position?
    fn coordinated(&self, p: usize) -> bool {
        matches!(self.doc.norm(self.tok[p]), "and" | "or")
            || (p + 1 < self.len() && self.segment[p + 1] != self.segment[p])
    }

    /// Are the words `entry` writes as acronyms, found at `chosen`, written as those acronyms (a plural "s" aside),
    /// or read through a clinical-lexicon abbreviation, which carries its own case constraint?
    fn in_capitals(&self, entry: &super::Entry, chosen: &[u32]) -> bool {
        entry.capitals.iter().all(|(word, acronym)| {
            entry.words.iter().zip(chosen).filter(|&(w, _)| w == word).all(|(_, &p)| {
                let written = self.doc.original(self.tok[p as usize]);
                self.expanded[p as usize] || written == &**acronym || written.strip_suffix('s') == Some(&**acronym)
            })
        })
    }

    /// Checks the locality rules for a term whose words were found at `chosen` (one position per word of
    /// `words`; `used` is `chosen` sorted and deduplicated); returns how it matched.
    pub(super) fn validate(
        &self,
        chosen: &[u32],
        used: &[u32],
        words: &[u32],
        order: &[u32],
        anchor: u32,
    ) -> Option<MatchKind> {
        let (lo, hi) = (used[0] as usize, *used.last().unwrap_or(&used[0]) as usize);
        // Two conditions coordinated before a shared site ("pain and stiffness in the right knee") read that site
        // each: the "and" and the other condition's word after the first do not count against the slack.
        let span = hi - lo + 1;
        let allowance = used.len() + SLACK.max(used.len());
        let shared = || {
            used.len() > 1
                && lo + 2 < hi
                && matches!(self.doc.norm(self.tok[lo + 1]), "and" | "or")
                && !used.contains(&((lo + 2) as u32))
                && !ADJECTIVE_ENDINGS.iter().any(|e| self.doc.norm(self.tok[lo + 2]).ends_with(e))
                && self.segment[lo] == self.segment[hi]
        };
        if span > allowance && (span > allowance + 2 || !shared()) {
            return None;
        }
        if !self.segments_ok(used, anchor as usize, &[]) {
            return None;
        }
        if self.from_count[hi] != self.from_count[lo] && self.secondary != 0 && words.contains(&self.secondary) {
            return None;
        }
        // Nor is a site written before a malignancy the site of the metastases written after it: "lung cancer with
        // metastases to the brain" has no secondary of the lung.
        if self.secondary != 0 {
            if let Some(k) = words.iter().position(|&w| w == self.secondary) {
                let at = chosen[k] as usize;
                let site = used.iter().map(|&p| p as usize).filter(|&p| p < at).min();
                if site.is_some_and(|site| (site + 1..at).any(|p| MALIGNANCY.contains(&self.doc.norm(self.tok[p])))) {
                    return None;
                }
            }
        }
        if self.spread_count[hi] != self.spread_count[lo] || self.negation_count[hi] != self.negation_count[lo] {
            return None;
        }
        // A word the note prefixes with "non-" is the opposite: "encephalopathy of non-hepatic cause" is no hepatic
        // encephalopathy. Terms that write the prefix themselves ("non-Hodgkin lymphoma") read it.
        if used.iter().any(|&p| self.non_prefixed[p as usize])
            && !words.contains(&self.non)
            && words
                .iter()
                .zip(chosen)
                .any(|(&w, &p)| self.non_prefixed[p as usize] && !self.lex.words.name(w).starts_with("non"))
        {
            return None;
        }
        // An adjective comes before the noun it qualifies: one that ends a reading after an "and" or a "with" and
        // has a noun of its own right after it qualifies that noun, another condition than the term's ("disease
        // with myocardial infarction" is no myocardial disease, "infiltrates and mild pulmonary oligoperfusion" no
        // pulmonary infiltrate). After "of", "in" or "due to" it names the term's site or cause ("varices in gastric
        // fundus", "nephropathy due to analgesic abuse").
        if hi > lo && self.qualifies[hi] && self.joins[hi - 1] > self.joins[lo] {
            return None;
        }
        // A number ("2", "3b", "4") or a type letter counts only next to the words it qualifies.
        for (k, &w) in words.iter().enumerate() {
            let name = self.lex.words.name(w);
            if (name.starts_with(|c: char| c.is_ascii_digit()) || name == CAPITAL_A)
                && !self.number_attached(chosen[k] as usize, used)
            {
                return None;
            }
        }
        if used.iter().any(|&p| self.expanded[p as usize]) {
            return Some(MatchKind::Abbreviation);
        }
        let contiguous = (lo..=hi).all(|p| used.binary_search(&(p as u32)).is_ok() || self.words_at(p).is_empty());
        // In order: the written order of the term's words is the order of their positions.
        let position_of = |w: u32| words.iter().position(|&x| x == w).map(|k| chosen[k]);
        let mut last = 0;
        let in_order = order.iter().filter_map(|&w| position_of(w)).all(|q| std::mem::replace(&mut last, q) <= q);
        Some(if contiguous && in_order { MatchKind::Exact } else { MatchKind::Compositional })
    }

    /// Positions in several comma-separated segments: the segment with most of them is the core; the others
    /// must be next to it and hold nothing but modifiers, or the positions in `adds` (the side and site a
    /// refinement reads after a comma: "otitis media, right ear").
    pub(super) fn segments_ok(&self, used: &[u32], anchor: usize, adds: &[u32]) -> bool {
        let first_seg = self.segment[used[0] as usize];
        if used.iter().all(|&p| self.segment[p as usize] == first_seg) {
            return true;
        }
        // Each segment with the number of words it gives the match: a phrase read as its expansion counts its
        // written length ("anemia in pregnancy, second trimester" is anemia read with its trimester, not the
        // trimester with a condition attached).
        let mut segs: Vec<(u32, usize)> = Vec::new();
        for &p in used {
            let s = self.segment[p as usize];
            let n = self.phrase_end[p as usize] as usize + 1 - p as usize;
            match segs.iter_mut().find(|(x, _)| *x == s) {
                Some(e) => e.1 += n,
                None => segs.push((s, n)),
            }
        }
        let (min_seg, max_seg) =
            (segs.iter().map(|e| e.0).min().unwrap_or(first_seg), segs.iter().map(|e| e.0).max().unwrap_or(first_seg));
        // Segment ids rise along the stream, so a segment is one contiguous run of positions.
        let bounds = |s: u32| (self.segment.partition_point(|&x| x < s), self.segment.partition_point(|&x| x <= s));
        // The side and site of the condition before them, the problem-list style "Osteoarthritis, right knee": a
        // last segment of a few words right after the condition's, all read by the term but the side (which
        // refinement reads).
        let axis = &self.lex.axis;
        let sides = [axis.right, axis.left, axis.bilateral, axis.both];
        let is_side = |p: usize| self.words_at(p).iter().any(|w| sides.contains(&Some(*w)));
        let side_and_site = segs.len() == 2 && max_seg == min_seg + 1 && {
            let (from, to) = bounds(max_seg);
            to - from <= 3 && (from..to).all(|p| used.contains(&(p as u32)) || is_side(p)) && (from..to).any(is_side)
        };
        if side_and_site {
            return true;
        }
        let anchor_seg = self.segment[anchor];
        let core = segs.iter().max_by_key(|(s, c)| (*c, *s == anchor_seg)).map(|e| e.0).unwrap_or(anchor_seg);
        for s in min_seg..=max_seg {
            if s == core {
                continue;
            }
            // Every word of the whole segment must be a modifier.
            let (from, to) = bounds(s);
            let mut any = false;
            for p in from..to {
                any = true;
                if !adds.contains(&(p as u32)) && self.words_at(p).iter().any(|w| !self.lex.modifiers.contains(w)) {
                    return false;
                }
            }
            if !any {
                return false;
            }
        }
        true
    }

    /// For each document token, whether it is part of the name of a hospital service: the words before a service
    /// noun ("unit", "clinic", "department", ...) up to an article, a preposition or a verb of referral, in one
    /// sentence. A name in capitals ("Infectious Diseases and Internal Medicine Services") runs over its capitalized
    /// words and the "and" between them; one in lower case ("acute postoperative pain unit") over words alone.
    fn service_names(&self) -> Vec<bool> {
        let doc = self.doc;
        let n = doc.tokens().len();
        let mut named = Vec::new();
        for i in 0..n {
            if !SERVICE_NOUNS.contains(&doc.norm(i)) {
                continue;
            }
            let capitals = |k: usize| doc.original(k).starts_with(|c: char| c.is_uppercase());
            let title = capitals(i);
            let (mut j, mut words) = (i, 0);
            while j > 0 && words < 6 {
                let k = j - 1;
                let w = doc.norm(k);
                if doc.sentence_index(k) != doc.sentence_index(i) {
                    break;
                }
                if w == "-" || (w == "and" && title && k > 0 && capitals(k - 1)) {
                    j = k;
                    continue;
                }
                if !w.chars().all(char::is_alphabetic) || NOT_IN_SERVICE_NAMES.contains(&w) || (title && !capitals(k)) {
                    break;
                }
                j = k;
                words += 1;
            }
            if j < i {
                named.resize(n, false);
                named[j..i].fill(true);
            }
        }
        named
    }

    /// Is the mention the label of a measured value rather than a condition? An abbreviation with a value after it
    /// that has a decimal or a unit ("CMV: 89.7 fL", "TTP 28.9 seconds": a laboratory list names its tests by
    /// abbreviations that are also conditions', MCV and MCH mistranslated as CMV and HCM), or one joined to a
    /// number before it ("25-HCC", a vitamin D metabolite); and any mention followed by a pressure "of 35 mm Hg"
    /// (a gas or pressure reading).
    fn lab_label(&self, m: &Mention) -> bool {
        let (first, last) = m.tokens;
        let text = self.doc.text();
        let after = text[m.bytes.1..].trim_start_matches(' ');
        let pressure = after.strip_prefix("of ").is_some_and(|r| {
            let digits = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            let unit = r[digits..].trim_start_matches(' ').to_ascii_lowercase();
            digits > 0 && (unit.starts_with("mm hg") || unit.starts_with("mmhg"))
        });
        if pressure {
            return true;
        }
        let word = self.doc.original(first);
        if last != first + 1 || !(2..=6).contains(&word.len()) || !word.chars().all(|c| c.is_ascii_uppercase()) {
            return false;
        }
        let joined_to_number = first >= 2
            && self.doc.norm(first - 1) == "-"
            && self.doc.norm(first - 2).chars().all(|c| c.is_ascii_digit());
        if joined_to_number {
            return true;
        }
        let after = after.strip_prefix([':', '=']).unwrap_or(after).trim_start_matches(' ');
        let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        if digits == 0 {
            return false;
        }
        let rest = &after[digits..];
        let decimal = rest.strip_prefix(['.', ',']).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
        let unit = rest.trim_start_matches(' ').split(|c: char| !c.is_ascii_alphabetic() && c != '/').next();
        decimal || unit.is_some_and(|u| LAB_UNITS.contains(&u.to_ascii_lowercase().as_str()))
    }

    /// Is the word at `p` an adjective that qualifies the noun written right after it, in the same segment? The
    /// adjective is told by its ending ("-al", "-ic", "-ous", "-ary", ...), the noun by being a word of substance
    /// (no stop word, number or abbreviation). A general noun of place ("lumbar region", "mammary gland") leaves the
    /// adjective to the site it names.
    fn qualifies_next(&self, p: usize) -> bool {
        let q = p + 1;
        if q >= self.len()
            || self.segment[q] != self.segment[p]
            || (self.tok[p] + 1..self.tok[q]).any(|t| self.doc.norm(t) != "-")
        {
            return false;
        }
        let word = self.doc.norm(self.tok[p]);
        let adjective = ADJECTIVE_ENDINGS.iter().any(|e| word.len() > e.len() + 2 && word.ends_with(e))
            && !NOUNS_LIKE_ADJECTIVES.contains(&word);
        if !adjective {
            return false;
        }
        let next = self.doc.norm(self.tok[q]);
        next.len() > 2
            && next.chars().all(|c| c.is_ascii_lowercase())
            && self.doc.original(self.tok[q]).chars().any(|c| c.is_ascii_lowercase())
            && !self.lex.stop.contains(&self.ids[q])
            && !PLACE_NOUNS.contains(&next)
    }

    /// A number at position `q` is attached when another used position is next to it, or one away with a
    /// qualifier between ("stage", "type", "grade", "class"), or when an abbreviation brought it.
    pub(super) fn number_attached(&self, q: usize, used: &[u32]) -> bool {
        // An expansion ("T1DM" = type 1 diabetes mellitus) brings the number with its words.
        if self.expanded[q] {
            return true;
        }
        used.iter().any(|&r| {
            let r = r as usize;
            if r == q {
                return false;
            }
            let d = r.abs_diff(q);
            d == 1
                || (d == 2
                    && matches!(
                        self.doc.norm(self.tok[(r + q) / 2]),
                        "stage" | "type" | "grade" | "class" | "level" | "degree" | "gravida"
                    ))
        })
    }

    /// Refines a hit to billable codes, with a 7th character when its category needs one: one code, or the right
    /// and the left one for a bilateral condition the classification has no bilateral code for.
    fn finish(&self, hit: Hit, out: &mut Vec<Hit>) {
        let Some((code, extra, weight)) = self.refine(hit.node, &hit.positions, None) else { return };
        match self.bilateral(hit.node, &hit.positions, code).as_deref() {
            Some([one]) => out.push(self.finish_as(hit, one.clone())),
            Some([right, left]) => {
                let hit = Hit { side_of_bilateral: true, ..hit };
                out.push(self.finish_as(hit.clone(), right.clone()));
                out.push(self.finish_as(hit, left.clone()));
            }
            _ => out.push(self.finish_as(hit, (code, extra, weight))),
        }
    }

    /// A hit completed with the code `refine` chose for it.
    fn finish_as(&self, mut hit: Hit, (code, extra, weight): super::refine::Refined) -> Hit {
        if !hit.direct {
            hit.term = hit.positions.clone();
        }
        if code != hit.node {
            hit.kind = MatchKind::Compositional;
        }
        hit.positions.extend(extra);
        // A synonym phrase's words sit at its first position; the hit covers the whole phrase, so that a shorter
        // reading of one of its words ("anemia" in "iron deficiency anaemia") is seen as part of it. A phrase that
        // names a code ("CKD 3b") stays that code's own evidence: a combination using its words does not swallow it.
        let spreads = |p: &u32| self.named[*p as usize].is_none() && self.phrase_end[*p as usize] > *p;
        if hit.positions.iter().any(spreads) {
            let spread: Vec<u32> = hit
                .positions
                .iter()
                .filter(|p| spreads(p))
                .flat_map(|&p| p + 1..=self.phrase_end[p as usize])
                .collect();
            hit.positions.extend(spread);
        }
        hit.positions.sort_unstable();
        hit.positions.dedup();
        hit.weight += weight;
        hit.code = self.seventh(code, &hit.positions);
        // A remainder code ("Other epilepsy") never wins a tie with the plain reading ("Epilepsy, unspecified"):
        // "epilepsy" with nothing more said is not a specified other kind. Nor does a code whose absent axis the
        // note does not write ("Migraine without aura" for "migraine": the Index sends it to G43.909 "Migraine,
        // unspecified, ...").
        let remainder = self.lex.residual[hit.node as usize] || self.lex.residual[code as usize];
        let description = self.codes.code(hit.code).description.to_ascii_lowercase();
        let absent_axis = description.contains(" without ") && !description.contains("unspecified");
        hit.plainness = description.len() + if remainder { 1 << 16 } else { 0 } + if absent_axis { 1 << 15 } else { 0 };
        hit
    }

    fn mention(&self, h: Hit) -> Mention {
        let first = self.tok[h.positions[0] as usize];
        let end = h.positions.iter().map(|&p| self.phrase_end[p as usize]).max().unwrap_or(h.positions[0]);
        let last = self.tok[end as usize] + 1;
        let bytes = (self.doc.tokens()[first].bytes.0, self.doc.tokens()[last - 1].bytes.1);
        Mention {
            code: h.code,
            node: h.node,
            kind: h.kind,
            source: h.source,
            words: h.weight,
            tokens: (first, last),
            span: self.doc.span_of(first, last),
            bytes,
            assertion: Assertion::default(),
        }
    }
}

/// For each word, the position of its occurrence nearest to the anchor `(w, p)`.
fn nearest_positions(pairs: &[(u32, u32)], words: &[u32], w: u32, p: u32, chosen: &mut Vec<u32>) -> bool {
    chosen.clear();
    for &x in words {
        if x == w {
            chosen.push(p);
            continue;
        }
        let lo = pairs.partition_point(|&(a, _)| a < x);
        let hi = pairs.partition_point(|&(a, _)| a <= x);
        let Some(best) = pairs[lo..hi].iter().min_by_key(|&&(_, q)| q.abs_diff(p)) else { return false };
        chosen.push(best.1);
    }
    true
}

/// `chosen` sorted and without repeats, into `out`.
fn sorted_unique(chosen: &[u32], out: &mut Vec<u32>) {
    out.clear();
    out.extend_from_slice(chosen);
    out.sort_unstable();
    out.dedup();
}

enum Sex {
    Female,
    Male,
}

/// The patient's sex from the words a note uses for them: "female" when the female words (she, her, woman, ...)
/// are at least two and at least twice as many as the male ones, and the other way round; `None` when the note
/// does not tell (a translated case report may mix pronouns: the majority decides only when clear).
fn patient_sex<'s>(words: impl Iterator<Item = &'s str>) -> Option<Sex> {
    // Not "Mr"/"Ms": lower-cased they are also mitral regurgitation and multiple sclerosis.
    const FEMALE: &[&str] = &["she", "her", "hers", "herself", "woman", "female", "girl", "lady", "mrs"];
    const MALE: &[&str] = &["he", "him", "his", "himself", "man", "male", "boy", "gentleman"];
    let (mut female, mut male) = (0usize, 0usize);
    for w in words {
        female += usize::from(FEMALE.contains(&w));
        male += usize::from(MALE.contains(&w));
    }
    match (female, male) {
        (f, m) if f >= 2 && f >= 2 * m => Some(Sex::Female),
        (f, m) if m >= 2 && m >= 2 * f => Some(Sex::Male),
        _ => None,
    }
}

/// The trimester a note's gestational age falls in (Guidelines I.C.15.a.3: the first before 14 weeks 0 days, the
/// second from 14 weeks 0 days to before 28 weeks 0 days, the third from 28 weeks 0 days to delivery), from a number
/// of weeks written in a sentence that speaks of the pregnancy ("Intrauterine pregnancy at 32 weeks", "G2P1 at 34
/// wks gestation"). A note may recall an earlier visit ("seen at 12 weeks for the dating scan"): the age only
/// grows, so the greatest one written is the current one. Not from a sentence about a baby ("born at 34 weeks") or
/// an earlier pregnancy ("previous pregnancy delivered at 39 weeks"): that is another gestation's age.
fn gestation_trimester(doc: &Document<'_>) -> Option<u8> {
    const WEEKS: &[&str] = &["week", "weeks", "wk", "wks"];
    const PREGNANCY: &[&str] =
        &["gestation", "gestational", "pregnant", "pregnancy", "iup", "ga", "ega", "gravid", "gravida", "intrauterine"];
    const OTHER: &[&str] = &[
        "born",
        "newborn",
        "neonate",
        "infant",
        "baby",
        "premature",
        "preterm",
        "delivered",
        "previous",
        "prior",
        "last",
    ];
    let mut weeks: Option<u32> = None;
    for sentence in doc.sentences() {
        let words: Vec<&str> = (sentence.first..sentence.last).map(|j| doc.norm(j)).collect();
        if !words.iter().any(|w| PREGNANCY.contains(w)) || words.iter().any(|w| OTHER.contains(w)) {
            continue;
        }
        for (k, w) in words.iter().enumerate() {
            let next = words.get(k + 1).copied().unwrap_or("");
            let after_hyphen = if next == "-" { words.get(k + 2).copied().unwrap_or("") } else { next };
            if let Ok(v) = w.parse::<u32>() {
                if (1..=42).contains(&v) && WEEKS.contains(&after_hyphen) {
                    weeks = weeks.max(Some(v));
                }
            }
        }
    }
    weeks.map(|w| match w {
        0..=13 => 1,
        14..=27 => 2,
        _ => 3,
    })
}

/// Step 3: longest and most specific. A hit is dropped when an already kept hit used all its positions and
/// weighs at least as much; among hits on the same positions one survives, except the right and the left code of a
/// bilateral condition (`Matcher::finish`). Then a composed reading that crosses a term read as written (below) is
/// dropped, and the choice is made again without it, so that what it had swallowed comes back.
fn select(mut hits: Vec<Hit>, coordinated: impl Fn(usize) -> bool) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(b.positions.len().cmp(&a.positions.len()))
            .then(b.direct.cmp(&a.direct))
            .then(a.kind.cmp(&b.kind))
            .then(a.source.cmp(&b.source))
            .then(a.plainness.cmp(&b.plainness))
            .then(a.positions.cmp(&b.positions))
            .then(a.code.cmp(&b.code))
    });
    let mut dropped = vec![false; hits.len()];
    let mut kept = subsume(&hits, &dropped);
    // A composed reading that takes the leading words of a term read as written and jumps over the rest of it is
    // two conditions read as one: "left ventricular hypertrophy consistent with congestive heart failure" is not
    // left ventricular failure (I50.1). The term's other words (hypertrophy) lie inside the composed term's span,
    // and no "and", "or" or comma after them makes the shared words apply to both ("elevated C-reactive protein and
    // erythrocyte sedimentation rate" is an elevated sedimentation rate). Only the composed term's own words count:
    // a word refinement added (a side) is not a crossing.
    let crossing = |h: &Hit, k: &Hit| {
        let term = &h.term;
        let (lo, hi) = (term[0], term[term.len() - 1]);
        if k.positions[k.positions.len() - 1] < lo || k.positions[0] > hi {
            return false;
        }
        if !k.positions.iter().any(|p| term.binary_search(p).is_ok()) {
            return false;
        }
        let Some(&inner) = k.positions.iter().filter(|&&p| p > lo && p < hi && term.binary_search(&p).is_err()).max()
        else {
            return false;
        };
        // The words taken are the term's leading ones (its modifiers), the ones jumped over its head.
        let leading = k.positions.iter().filter(|p| term.binary_search(p).is_ok()).all(|&p| p < inner);
        let next = term.iter().copied().find(|&p| p > inner).unwrap_or(hi);
        leading && !(inner..next).any(|p| coordinated(p as usize))
    };
    // Every reading composed from words apart (`compose`) that crosses a kept term read as written, kept itself
    // or not: a copy of it on the same positions must not come back when the choice is made again.
    let written: Vec<usize> = kept.iter().copied().filter(|&j| hits[j].kind != MatchKind::Compositional).collect();
    let mut any = false;
    for (i, h) in hits.iter().enumerate() {
        if !h.term.is_empty() && written.iter().any(|&j| j != i && crossing(h, &hits[j])) {
            dropped[i] = true;
            any = true;
        }
    }
    // Nor does a composed reading borrow a term written whole across a coordination, other than as a coordination
    // shares words: a modifier goes forward ("elevated C-reactive protein and erythrocyte sedimentation rate"), a
    // head backward ("right and left knee pain"). "Knee pain and both hands swollen" lends its pain to no hand, and
    // "infection and renal colic" its "renal" to no infection.
    // Each hit's own positions, sorted, once; the terms written whole (contiguous, two positions or more) among them.
    let own: Vec<Vec<u32>> = hits
        .iter()
        .map(|h| {
            let mut t = if h.term.is_empty() { h.positions.clone() } else { h.term.clone() };
            t.sort_unstable();
            t.dedup();
            t
        })
        .collect();
    let whole: Vec<usize> = (0..hits.len())
        .filter(|&j| !dropped[j] && own[j].len() >= 2 && own[j].windows(2).all(|w| w[1] == w[0] + 1))
        .collect();
    let borrows = |i: usize, j: usize| {
        let (kt, ht) = (&own[i], &own[j]);
        let (lo, hi) = (ht[0], ht[ht.len() - 1]);
        if hits[i].code == hits[j].code || kt[kt.len() - 1] < lo || kt[0] > hi {
            return false;
        }
        let shared = kt.iter().filter(|p| (lo..=hi).contains(*p)).count();
        if shared == 0 || shared == ht.len() || shared == kt.len() {
            return false;
        }
        let head = kt.binary_search(&hi).is_ok();
        let (first_other, last_other) =
            (kt.iter().find(|p| !(lo..=hi).contains(*p)), kt.iter().rfind(|p| !(lo..=hi).contains(*p)));
        match (first_other, last_other) {
            (Some(&f), _) if f > hi => head && (hi..f).any(|p| coordinated(p as usize)),
            (_, Some(&l)) if l < lo && kt.iter().all(|p| *p <= hi) => !head && (l..lo).any(|p| coordinated(p as usize)),
            _ => false,
        }
    };
    for i in 0..hits.len() {
        if !dropped[i] && !hits[i].term.is_empty() && whole.iter().any(|&j| j != i && borrows(i, j)) {
            dropped[i] = true;
            any = true;
        }
    }
    if any {
        kept = subsume(&hits, &dropped);
    }

    let mut kept: Vec<Hit> = {
        let mut take: Vec<Option<Hit>> = hits.into_iter().map(Some).collect();
        kept.iter().filter_map(|&i| take[i].take()).collect()
    };
    kept.sort_by_key(|h| (h.positions[0], h.code));
    kept
}

/// The indices of the hits (sorted best first) that no kept hit subsumes, skipping the `dropped` ones.
fn subsume(hits: &[Hit], dropped: &[bool]) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::with_capacity(hits.len());
    for (i, h) in hits.iter().enumerate() {
        if dropped[i] {
            continue;
        }
        // The other side of a bilateral condition, read from the same words, is no competing reading.
        let other_side = |k: &Hit| {
            k.side_of_bilateral
                && h.side_of_bilateral
                && k.node == h.node
                && k.code != h.code
                && k.positions == h.positions
        };
        let subsumed = kept
            .iter()
            .map(|&j| &hits[j])
            .any(|k| k.weight >= h.weight && is_subset(&h.positions, &k.positions) && !other_side(k));
        let duplicate = kept.iter().map(|&j| &hits[j]).any(|k| k.code == h.code && k.positions == h.positions);
        if !subsumed && !duplicate {
            kept.push(i);
        }
    }
    kept
}

fn is_subset(small: &[u32], big: &[u32]) -> bool {
    let mut j = 0;
    for &x in small {
        while j < big.len() && big[j] < x {
            j += 1;
        }
        if j == big.len() || big[j] != x {
            return false;
        }
    }
    true
}

/// Nouns that end the name of a hospital service (`Matcher::service_names`), and the words that start before
/// such a name.
const SERVICE_NOUNS: &[&str] = &[
    "department",
    "departments",
    "service",
    "services",
    "unit",
    "clinic",
    "clinics",
    "ward",
    "team",
    "center",
    "centre",
    "institute",
    "association",
    "society",
    "foundation",
];
const NOT_IN_SERVICE_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "our",
    "his",
    "her",
    "their",
    "its",
    "this",
    "that",
    "to",
    "in",
    "at",
    "by",
    "from",
    "of",
    "with",
    "for",
    "on",
    "into",
    "and",
    "or",
    "per",
    "via",
    "was",
    "were",
    "is",
    "referred",
    "admitted",
    "transferred",
    "consulted",
    "followed",
    "seen",
    "evaluated",
    "attended",
    "treated",
    "managed",
    "discharged",
];

/// Units of a measured value after an abbreviation (`Matcher::lab_label`).
const LAB_UNITS: &[&str] = &[
    "fl", "pg", "g/dl", "mg/dl", "mg/l", "g/l", "ng/ml", "seconds", "sec", "s", "u/l", "iu/l", "ui/l", "mmol/l",
    "meq/l", "mm/h", "mmhg",
];

/// Endings of adjectives (`Matcher::qualifies_next`), and the nouns that end like them.
const ADJECTIVE_ENDINGS: &[&str] = &["al", "ic", "ous", "ary", "ar", "ive", "ed", "oid"];
const NOUNS_LIKE_ADJECTIVES: &[&str] =
    &["canal", "colic", "clinic", "ovary", "capillary", "tubercle", "bed", "blood", "pyramid", "scar", "molar"];
/// General nouns of place, which leave the adjective before them to the site it names ("lumbar region").
const PLACE_NOUNS: &[&str] = &[
    "region",
    "regions",
    "area",
    "areas",
    "zone",
    "gland",
    "glands",
    "tissue",
    "tissues",
    "level",
    "side",
    "site",
    "territory",
    "segment",
    "portion",
    "part",
    "wall",
    "lobe",
    "fossa",
    "quadrant",
    "space",
    "surface",
    "margin",
    "aspect",
    "tract",
    "system",
    "organ",
    "organs",
    "cavity",
    "location",
    "localization",
];

/// Words that name a malignancy (a primary, when a site precedes them).
const MALIGNANCY: &[&str] =
    &["carcinoma", "adenocarcinoma", "cancer", "melanoma", "sarcoma", "lymphoma", "malignancy", "tumor", "neoplasm"];

/// Running count of spread markers over a stream of normalized words and their clauses (see
/// `Matcher::spread_count`). "Spread to" counts only after a malignancy word in its clause: "cellulitis spreading
/// to the thigh" is one condition with its site.
fn spread_markers<'s>(norm: impl Fn(usize) -> &'s str, clause: &[u32]) -> Vec<u32> {
    const METASTATIC: &[&str] = &["metastatic", "metastasizing", "metastasized"];
    let mut marker = vec![false; clause.len()];
    for p in 1..clause.len() {
        if norm(p) != "to" {
            continue;
        }
        let previous = norm(p - 1);
        let cancer_before =
            || (0..p).rev().take_while(|&q| clause[q] == clause[p]).any(|q| MALIGNANCY.contains(&norm(q)));
        if METASTATIC.contains(&previous) {
            marker[p - 1] = true;
        } else if (matches!(previous, "spread" | "spreading") && cancer_before())
            || (MALIGNANCY.contains(&previous)
                && (p.saturating_sub(4)..p - 1).any(|q| clause[q] == clause[p] && norm(q) == "metastatic"))
        {
            marker[p] = true;
        }
    }
    let mut count = 0;
    marker
        .iter()
        .map(|&m| {
            count += u32::from(m);
            count
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Sex, patient_sex, spread_markers};

    #[test]
    fn the_patient_sex_needs_clear_evidence() {
        let sex = |s: &str| patient_sex(s.split_whitespace());
        assert!(matches!(sex("she reports that her pain improved"), Some(Sex::Female)));
        assert!(matches!(sex("he says his knee hurts"), Some(Sex::Male)));
        // Mixed pronouns of a translated report: no majority of two to one, no sex.
        assert!(sex("the man said she had pain and her knee hurt and he").is_none());
        // One word is not enough, and MR/MS are mitral regurgitation and multiple sclerosis.
        assert!(sex("65 yo woman").is_none());
        assert!(sex("moderate mr and ms").is_none());
    }

    #[test]
    fn spread_markers_split_primary_from_secondary_sites() {
        let count = |s: &str| {
            let norms: Vec<&str> = s.split(' ').collect();
            spread_markers(|p| norms[p], &vec![0; norms.len()])
        };
        assert_eq!(count("breast cancer metastatic to bone"), [0, 0, 1, 1, 1]);
        assert_eq!(count("metastatic adenocarcinoma to bone"), [0, 0, 1, 1]);
        assert_eq!(count("metastatic breast cancer to the bone"), [0, 0, 0, 1, 1, 1]);
        assert_eq!(count("lung cancer that spread to the brain"), [0, 0, 0, 0, 1, 1, 1]);
        assert_eq!(count("cellulitis spreading to the thigh"), [0; 5]);
    }
}
