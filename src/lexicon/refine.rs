//! From the code or category a term names to the billable code the sentence supports.
//!
//! A category (I50, N18, I82.40) is refined to the deepest code below it whose additional words (beyond the
//! category's own) are all present close to the match, so "left leg DVT" refines I82.40 to I82.402. With no
//! additional word present, the code below it that adds nothing is chosen: the classification's "unspecified"
//! code (I50.9, N18.9, I82.409). Remainder codes ("Other ...") are never chosen this way: they need
//! documentation of something specific that the words cannot show; unless the term names a remainder category
//! itself (the Index sends an ankle fracture to S82.89 "Other fractures of lower leg").
//!
//! Some words are implied rather than written: the patient's sex for a code's sex axis (when the note's words for
//! the patient say it clearly), the right side as dominant and the left as nondominant when dominance is not
//! documented (Guidelines I.C.6.a), and the classification's "side" once a side is written. Among codes the words
//! support equally, a specified code wins over the unspecified one, and that over a remainder; a code whose
//! inclusion term is its category's condition NOS stands in when no code is called unspecified (B95.61 for
//! Staphylococcus aureus). A match written as bilateral gets the bilateral code, or the right and the left code
//! where the classification has none (Guidelines I.B.13: "bilateral knee pain" is M25.561 and M25.562). Words of
//! another term read as written are not taken without that term's head: "left ventricular hypertrophy" lends no
//! side to a heart failure or a foot pain written after it.
//!
//! Codes that need a 7th character get the table entry whose words the sentence supports best ("initial
//! encounter for closed fracture", "subsequent encounter ... routine healing", "sequela"); with nothing said, the
//! table's first entry (initial encounter) applies.
use super::matcher::Matcher;
use crate::codeset::CodeId;

/// A refined code, the positions of the words that refined it, and how many words they add.
pub(super) type Refined = (CodeId, Vec<u32>, u16);

/// How far from a match (in positions) its category's additional words are looked for.
const REFINE_WINDOW: usize = 8;
/// How far before and after a match "bilateral" or "both" is read as its side (see `bilateral`).
const BILATERAL_BEFORE: usize = 3;
const BILATERAL_AFTER: usize = 4;
/// Paired sites written in the plural: both of them, when no side is written.
const PAIRED_PLURALS: &[&str] = &[
    "limbs",
    "legs",
    "arms",
    "eyes",
    "ears",
    "knees",
    "hips",
    "hands",
    "feet",
    "shoulders",
    "ankles",
    "wrists",
    "elbows",
    "thighs",
    "calves",
    "heels",
    "extremities",
];
/// Categories with at most this many codes below have the words all of them add read as implied (see `refine`).
const COMMON_AXIS: usize = 8;

impl Matcher<'_, '_, '_> {
    /// A code that can be suggested (billable) or completed with a 7th character.
    fn is_coding_leaf(&self, id: CodeId) -> bool {
        self.lex.coding_leaf[id as usize]
    }

    /// The refined code for a match on `node` at `positions`, the positions of the words that refined it, and
    /// how many words they add. `None` when the node has no code the note can support. `assumed` is a word read as
    /// written at a position (see `bilateral`).
    pub(super) fn refine(&self, node: CodeId, positions: &[u32], assumed: Option<(u32, u32)>) -> Option<Refined> {
        if self.is_coding_leaf(node) {
            // A term that names the unspecified side itself ("cerumen impaction" is H61.20 "Impacted cerumen,
            // unspecified ear") takes the side written beside it from the code above it.
            if let Some(sided) = self.side_of_unspecified_leaf(node, positions, assumed) {
                return Some(sided);
            }
            return Some((node, Vec::new(), 0));
        }
        let base = &self.lex.code_words[node as usize];
        let (lo, hi) = (positions[0] as usize, *positions.last()? as usize);
        let clause = self.clause[lo];
        let from = lo.saturating_sub(REFINE_WINDOW);
        let to = (hi + REFINE_WINDOW + 1).min(self.len());
        let mut best: Option<(usize, CodeId, Vec<u32>)> = None;
        let mut default: Option<(u8, u8, usize, CodeId)> = None;
        // When every code below adds a word, the one the classification calls unspecified on one axis
        // ("... of unspecified female breast") or the one that includes the condition NOS stands in for it: under
        // a subcategory whose inclusion term is the condition NOS first, then with the fewest additions.
        let mut fallback: Option<(u8, u8, usize, CodeId)> = None;
        let node_unspecified = unspecified_count(&self.codes.code(node).description);
        let mut leaves: Vec<CodeId> = Vec::new();
        let mut stack: Vec<CodeId> = self.codes.code(node).children.clone();
        while let Some(id) = stack.pop() {
            if self.is_coding_leaf(id) {
                // Below a term that names a remainder category itself (the Index sends "fracture of ankle" to
                // S82.89 "Other fractures of lower leg"), its codes are what the term means.
                if !self.lex.residual[id as usize] || self.lex.residual[node as usize] {
                    leaves.push(id);
                }
            } else {
                stack.extend(self.codes.code(id).children.iter().copied());
            }
        }
        // A word every code below adds is the site the category already implies, named on its laterality axis:
        // "Medial epicondylitis, right elbow", "..., left elbow", "..., unspecified elbow". It is not asked of the
        // note: "right medial epicondylitis" is M77.01. Only for small axes (a side, a site), where it is cheap.
        let mut common: Vec<u32> = Vec::new();
        if leaves.len() <= COMMON_AXIS {
            for (k, &id) in leaves.iter().enumerate() {
                let words = self.lex.code_words[id as usize].iter().filter(|w| base.binary_search(w).is_err());
                if k == 0 {
                    common.extend(words);
                } else {
                    let these: Vec<u32> = words.copied().collect();
                    common.retain(|w| these.contains(w));
                }
            }
        }
        // Words the note need not write beside the match: the patient's sex, and the ones a side implies:
        // "dominant" the right, "nondominant" the left (hemiplegia and monoplegia with no dominance written near
        // the match), and the classification's "side" ("affecting right dominant side") either.
        let super::AxisWords {
            right,
            left,
            side,
            dominant,
            nondominant,
            female,
            male,
            trimester,
            first,
            second,
            third,
            ..
        } = self.lex.axis;
        let dominance_said = || {
            (from..to).any(|p| {
                self.clause[p] == clause
                    && self.words_at(p).iter().any(|w| Some(*w) == dominant || Some(*w) == nondominant)
            })
        };
        let implied_by = |w: u32, extra: &[u32]| -> bool {
            let has = |x: Option<u32>| x.is_some_and(|x| extra.contains(&x));
            let is = |x: Option<u32>| x == Some(w);
            if is(female) || is(male) {
                // The patient's sex, from the note's words for them ("carcinoma of the left breast" in a woman is
                // C50.912 "... of left female breast").
                return self.sex() == Some(w);
            }
            if is(side) {
                return has(right) || has(left);
            }
            // The trimester, from the gestational age the note writes (Guidelines I.C.15.a.3): "pre-eclampsia at 34
            // weeks" is O14.93 "..., third trimester". A trimester written beside the match is read as written.
            let trimester_said = || {
                (from..to).any(|p| self.clause[p] == clause && self.words_at(p).iter().any(|x| Some(*x) == trimester))
            };
            if is(trimester) {
                return self.trimester().is_some() && !trimester_said();
            }
            if has(trimester) && (is(first) || is(second) || is(third)) {
                let ordinal = [first, second, third].iter().position(|&o| is(o)).map(|k| k as u8 + 1);
                return self.trimester() == ordinal && !trimester_said();
            }
            ((is(dominant) && has(right)) || (is(nondominant) && has(left))) && !dominance_said()
        };
        // Buffers reused across the leaves tried (a category may have hundreds).
        let (mut extra, mut found, mut all): (Vec<u32>, Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new(), Vec::new());
        for &id in &leaves {
            let code = self.codes.code(id);
            extra.clear();
            extra.extend(
                self.lex.code_words[id as usize]
                    .iter()
                    .copied()
                    .filter(|w| base.binary_search(w).is_err() && !common.contains(w)),
            );
            let unspecified = contains_ignore_case(&code.description, "unspecified");
            if extra.is_empty() {
                // Prefer the code the classification calls unspecified, then the one under a subcategory whose
                // inclusion term is the condition NOS ("Non-pressure chronic ulcer of skin NOS" at L98.49, not the
                // buttock's L98.41), then the shallowest.
                let rank = if unspecified || contains_ignore_case(&code.description, " nos") { 0 } else { 1 };
                let key = (rank, u8::from(!self.under_nos(id, node)), code.code.len(), id);
                if default.is_none_or(|d| key < d) {
                    default = Some(key);
                }
                continue;
            }
            // The code the classification calls unspecified, or one whose inclusion term is its category's
            // condition NOS ("Staphylococcus aureus infection NOS" at B95.61).
            if unspecified || self.lex.category_nos[id as usize] {
                // A leaf that says "unspecified" more often than the node it refines is unspecified on the axis it
                // adds (J96.90 "Respiratory failure, unspecified, unspecified whether with hypoxia or hypercapnia"
                // under J96.9 "Respiratory failure, unspecified"), where J96.91 "... unspecified with hypoxia" adds
                // the hypoxia the note does not write.
                let on_its_axis = unspecified_count(&code.description) > node_unspecified;
                let key = (u8::from(!self.under_nos(id, node)), u8::from(!on_its_axis), extra.len(), id);
                if fallback.is_none_or(|f| key < f) {
                    fallback = Some(key);
                }
            }
            // Every additional word must be present near the match, in the same clause.
            found.clear();
            for &w in &extra {
                if let Some((_, at)) = assumed.filter(|a| a.0 == w) {
                    found.push(at);
                    continue;
                }
                // Dominance not documented: the right side is the dominant one, the left the nondominant one
                // (Guidelines I.C.6.a): "right hemiparesis" is G81.91 "... affecting right dominant side".
                if implied_by(w, &extra) {
                    found.push(lo as u32);
                    continue;
                }
                // A number a term naming another code brings is that code's ("diabetes" names E11, "Type 2
                // diabetes mellitus": its 2 is no CKD stage).
                let numeric = self.lex.words.name(w).starts_with(|c: char| c.is_ascii_digit());
                let at = (from..to)
                    .filter(|&p| {
                        self.clause[p] == clause
                            && self.spread_count[p] == self.spread_count[lo]
                            && self.words_at(p).contains(&w)
                            && !(numeric && self.named[p].is_some_and(|n| n != node))
                    })
                    .min_by_key(|&p| p.abs_diff(lo).min(p.abs_diff(hi)));
                match at {
                    Some(p) => found.push(p as u32),
                    None => break,
                }
            }
            if found.len() < extra.len() {
                continue;
            }
            // No word of another term read as written without its head (its last word): "left ventricular" of
            // "left ventricular hypertrophy" is no side of the heart failure written after it. A whole term
            // ("E. coli" for sepsis due to E. coli) is fine.
            if found.iter().any(|&p| self.other_term(p as usize, positions).is_some_and(|b| !found.contains(&b))) {
                continue;
            }
            all.clear();
            all.extend(positions.iter().copied().chain(found.iter().copied()));
            all.sort_unstable();
            all.dedup();
            if !self.segments_ok(&all, lo, &found) {
                continue;
            }
            let numbers_attached = found.iter().zip(&extra).all(|(&p, &w)| {
                !self.lex.words.name(w).starts_with(|c: char| c.is_ascii_digit())
                    || self.number_attached(p as usize, &all)
            });
            if !numbers_attached {
                continue;
            }
            // The most words; among as many, a code that specifies over the one the classification calls
            // unspecified ("..., bilateral" over "..., unspecified eye" when "both eyes" is written), and that
            // over a remainder ("other specified staphylococcus" needs more than the word), then the shallowest.
            let rank = |id: CodeId| {
                let c = self.codes.code(id);
                let kind = if self.lex.residual[id as usize] || contains_ignore_case(&c.description, " other ") {
                    2
                } else {
                    u8::from(contains_ignore_case(&c.description, "unspecified"))
                };
                (kind, c.code.len())
            };
            // Last, the code more of whose own words the sentence writes: "pain in both hands" is the hands' M79.641
            // and M79.642, not the fingers' M79.644 and M79.645, though the category's name holds both words.
            let written = |id: CodeId| {
                self.lex.code_words[id as usize]
                    .iter()
                    .filter(|w| (from..to).any(|p| self.clause[p] == clause && self.words_at(p).contains(w)))
                    .count()
            };
            // Then the code whose words lie nearer the match: "left MCA stroke with right hemiparesis" is the right
            // side's G81.91; the "left" belongs to the artery.
            let distance = |at: &[u32]| -> usize {
                at.iter().map(|&p| (p as usize).abs_diff(lo).min((p as usize).abs_diff(hi))).sum()
            };
            let better = match &best {
                None => true,
                Some((n, b, theirs_at)) => {
                    extra.len() > *n
                        || (extra.len() == *n && {
                            let (mine, theirs) = (rank(id), rank(*b));
                            let (w_mine, w_theirs) = (written(id), written(*b));
                            mine < theirs
                                || (mine == theirs && w_mine > w_theirs)
                                || (mine == theirs && w_mine == w_theirs && distance(&found) < distance(theirs_at))
                        })
                }
            };
            if better {
                best = Some((extra.len(), id, found.clone()));
            }
        }
        match (best, default, fallback) {
            (Some((n, id, found)), _, _) => Some((id, found, n as u16)),
            (None, Some((_, _, _, id)), _) => Some((id, Vec::new(), 0)),
            (None, None, Some((_, _, _, id))) => {
                Some(self.sibling_on_axis(id, positions).unwrap_or((id, Vec::new(), 0)))
            }
            (None, None, None) => None,
        }
    }

    /// For the leaf `refine` falls back on when every code below adds a word the note does not write (it is
    /// unspecified on one axis and stands in on the others: O24.419 "Gestational diabetes mellitus in pregnancy,
    /// unspecified control" for "gestational diabetes"), the sibling on that axis whose own further words the note
    /// writes beside the match: "Gestational diabetes, diet controlled" is O24.410. `None` when it writes none.
    fn sibling_on_axis(&self, leaf: CodeId, positions: &[u32]) -> Option<Refined> {
        let code = self.codes.code(leaf);
        let stem = &code.description[..code.description.rfind(", unspecified")?];
        let own = &self.lex.code_words[leaf as usize];
        let (lo, hi) = (positions[0] as usize, *positions.last()? as usize);
        let (from, to) = (lo.saturating_sub(REFINE_WINDOW), (hi + REFINE_WINDOW + 1).min(self.len()));
        let at = |w: u32| {
            (from..to)
                .filter(|&p| self.clause[p] == self.clause[lo] && self.words_at(p).contains(&w))
                .min_by_key(|&p| p.abs_diff(lo).min(p.abs_diff(hi)))
        };
        // A side is read by `refine` itself, which also checks whose side it is ("right hip surgery, hearing loss" is
        // no right ear).
        let axis = self.lex.axis;
        let sided = [axis.right, axis.left, axis.bilateral, axis.side];
        let mut best: Option<Refined> = None;
        for &id in &self.codes.code(code.parent?).children {
            if id == leaf || !on_axis_of(stem, &self.codes.code(id).description) || !self.is_coding_leaf(id) {
                continue;
            }
            let added: Vec<u32> =
                self.lex.code_words[id as usize].iter().copied().filter(|w| own.binary_search(w).is_err()).collect();
            if added.is_empty() || added.iter().any(|w| sided.contains(&Some(*w))) {
                continue;
            }
            let Some(found) = added.iter().map(|&w| at(w).map(|p| p as u32)).collect::<Option<Vec<u32>>>() else {
                continue;
            };
            if best.as_ref().is_none_or(|b| usize::from(b.2) < added.len()) {
                best = Some((id, found, added.len() as u16));
            }
        }
        best
    }

    /// For a leaf the classification calls unspecified on one axis ("Impacted cerumen, unspecified ear", "Major
    /// depressive disorder, single episode, unspecified"), the sibling the words beside the match support on that
    /// axis, refined from the parent: a code whose description is the leaf's up to "unspecified" and names the
    /// axis instead ("..., left ear", "..., moderate"). `None` when the words name none. Other siblings are other
    /// conditions: "complete" of "complete left bundle branch block" is no reason to leave I44.7 for I44.2.
    fn side_of_unspecified_leaf(
        &self,
        leaf: CodeId,
        positions: &[u32],
        assumed: Option<(u32, u32)>,
    ) -> Option<Refined> {
        let code = self.codes.code(leaf);
        let parent = code.parent?;
        let stem = &code.description[..code.description.rfind(", unspecified")?];
        // The note must say what the parent names, and write some of it beyond an abbreviation naming the leaf:
        // "MDD, recurrent, moderate" reads F32.9 "... single episode, unspecified" from "MDD", but writes no
        // episode of F32 "Depressive episode" (its F33.1 is read elsewhere); "MDD, single episode, moderate" does.
        let (lo, hi) = (positions[0] as usize, *positions.last()? as usize);
        let (from, to) = (lo.saturating_sub(REFINE_WINDOW), (hi + REFINE_WINDOW + 1).min(self.len()));
        let said = |w: &u32, beyond_leaf: bool| {
            (from..to).any(|p| {
                self.clause[p] == self.clause[lo]
                    && !(beyond_leaf && self.named[p] == Some(leaf))
                    && self.words_at(p).contains(w)
            })
        };
        let written = |w: &u32| said(w, true);
        let parent_words = &self.lex.code_words[parent as usize];
        if !parent_words.iter().all(|w| said(w, false)) || !parent_words.iter().any(written) {
            return None;
        }
        // Refining from the parent scans all its codes: only when a sibling on the leaf's axis has a word the note
        // writes and the leaf lacks.
        let on_axis = |id: CodeId| id != leaf && on_axis_of(stem, &self.codes.code(id).description);
        let own = &self.lex.code_words[leaf as usize];
        let worth = self.codes.code(parent).children.iter().any(|&c| {
            on_axis(c) && self.lex.code_words[c as usize].iter().any(|w| own.binary_search(w).is_err() && written(w))
        });
        if !worth {
            return None;
        }
        let refined = self.refine(parent, positions, assumed)?;
        (refined.2 > 0 && on_axis(refined.0)).then_some(refined)
    }

    /// The codes of a match written as bilateral ("bilateral" or "both") that `refine` did not already give a
    /// bilateral code (`code` is what it chose): the category's bilateral code when "both" says it ("myopia in
    /// both eyes" is H52.13 "Myopia, bilateral"), and otherwise the right and the left code, as the guidelines
    /// (I.B.13) ask when the classification has no bilateral code ("bilateral knee pain" is M25.561 and M25.562,
    /// not the unspecified knee M25.569). Each with how it was refined; `None` when nothing changes.
    pub(super) fn bilateral(&self, node: CodeId, positions: &[u32], code: CodeId) -> Option<Vec<Refined>> {
        let axis = self.lex.axis;
        let (right, left, bilateral) = (axis.right?, axis.left?, axis.bilateral?);
        let (both, unilateral) = (axis.both, axis.unilateral);
        let said = |w: &u32| *w == bilateral || Some(*w) == both;
        // A code with a side already, or of a unilateral category ("Unilateral primary osteoarthritis, unspecified
        // knee": the bilateral one is another category, M17.0).
        let own = &self.lex.code_words[code as usize];
        if own.iter().any(|w| *w == right || *w == left || said(w) || Some(*w) == unilateral) {
            return None;
        }
        // A term that names the unspecified side itself ("myopia" + "eye" is H52.10 "Myopia, unspecified eye")
        // is refined again from the code above it.
        let node = match self.codes.code(code).parent {
            Some(parent) if node == code && contains_ignore_case(&self.codes.code(code).description, "unspecified") => {
                parent
            }
            _ if node == code => return None,
            _ => node,
        };
        let (lo, hi) = (positions[0] as usize, *positions.last()? as usize);
        // Just before the term ("bilateral knee pain") or just after it ("pain in both wrists"): a "both" further
        // off belongs to something else.
        let written = (lo.saturating_sub(BILATERAL_BEFORE)..(hi + BILATERAL_AFTER + 1).min(self.len())).find(|&p| {
            self.clause[p] == self.clause[lo]
                && self.spread_count[p] == self.spread_count[lo]
                && self.words_at(p).iter().any(said)
        });
        let at = match written {
            // After the term, nothing between may start another item: "knee pain and both hands swollen" is no
            // bilateral knee pain. Before it, "bilateral foot and ankle pain" is both sides of each.
            Some(at)
                if at > hi
                    && (self.segment[hi] != self.segment[at]
                        || (hi + 1..at).any(|p| matches!(self.doc.norm(self.tok[p]), "and" | "or" | "with"))) =>
            {
                return None;
            }
            Some(at) => at,
            // A paired site in the plural is both of them: "pain in the lower limbs" is each leg's pain.
            None => {
                let end = positions.iter().map(|&p| self.phrase_end[p as usize] as usize).max().unwrap_or(hi).max(hi);
                (lo..=end).find(|&p| PAIRED_PLURALS.contains(&self.doc.norm(self.tok[p])))?
            }
        };
        let at = at as u32;
        let one = |side: u32| {
            let (id, found, n) = self.refine(node, positions, Some((side, at)))?;
            (found.contains(&at) && self.lex.code_words[id as usize].contains(&side)).then_some((id, found, n))
        };
        if let Some(refined) = one(bilateral) {
            return Some(vec![refined]);
        }
        // The two sides of one condition: the same words but the side ("Pain in right knee", "Pain in left knee"),
        // never two conditions that differ by more (right heart failure and left ventricular failure).
        let (r, l) = (one(right)?, one(left)?);
        let unsided = |id: CodeId, side: u32| -> Vec<u32> {
            self.lex.code_words[id as usize].iter().copied().filter(|&w| w != side).collect()
        };
        (r.0 != l.0 && unsided(r.0, right) == unsided(l.0, left)).then(|| vec![r, l])
    }

    /// The last position of a term read as written that covers position `p` and that the match at `positions`
    /// does not overlap.
    fn other_term(&self, p: usize, positions: &[u32]) -> Option<u32> {
        let (a, b) = self.written.get(p).copied().flatten()?;
        (!positions.iter().any(|&q| (a..=b).contains(&q))).then_some(b)
    }

    /// Does a code between `id` and `node` (`id` included, `node` not) carry an inclusion term ending in "NOS"?
    fn under_nos(&self, id: CodeId, node: CodeId) -> bool {
        let mut at = Some(id);
        while let Some(c) = at.filter(|&c| c != node) {
            if self.lex.nos_inclusion[c as usize] {
                return true;
            }
            at = self.codes.code(c).parent;
        }
        false
    }

    /// Completes a code with the 7th character its sentence supports; codes without a table are returned as is.
    pub(super) fn seventh(&self, id: CodeId, positions: &[u32]) -> CodeId {
        let code = self.codes.code(id);
        if code.billable || code.children.is_empty() {
            return id;
        }
        let Some(table) = self.lex.seven_words.get(&code.seven.unwrap_or(u32::MAX)) else {
            return code.children[0];
        };
        // Words of the whole sentence of the match.
        let sentence = self.doc.sentence_index(self.tok[positions[0] as usize]);
        let in_sentence = |p: usize| self.doc.sentence_index(self.tok[p]) == sentence;
        let (mut from, mut to) = (positions[0] as usize, positions[0] as usize);
        while from > 0 && in_sentence(from - 1) {
            from -= 1;
        }
        while to < self.len() && in_sentence(to) {
            to += 1;
        }
        let mut said: Vec<u32> = (from..to).flat_map(|p| self.words_at(p).iter().copied()).collect();
        // "Both eyes" says the bilateral entry.
        if let (Some(both), Some(bilateral)) = (self.lex.axis.both, self.lex.axis.bilateral)
            && said.contains(&both)
        {
            said.push(bilateral);
        }
        said.sort_unstable();
        said.dedup();
        // Words of the code itself ("fracture") say nothing about the encounter.
        let own = &self.lex.code_words[id as usize];
        // A fracture type's numeral ("type I or II") decides nothing alone: "I" is also the writer ("I have
        // discussed"), which once made every fracture in such a sentence open.
        let numeral = |w: u32| matches!(self.lex.words.name(w), "i" | "ii" | "iii" | "iiia" | "iiib" | "iiic");
        // The most words said; among as many, the entry whose words fewer entries share ("both eyes": "eye" is
        // in three entries, "bilateral" in one).
        let shared = |w: u32| table.iter().filter(|(_, ws)| ws.contains(&w)).count() as f32;
        let mut best = (0usize, 0f32, None);
        for (character, words) in table {
            let hits = words
                .iter()
                .filter(|&&w| !numeral(w) && own.binary_search(&w).is_err() && said.binary_search(&w).is_ok());
            let (score, rarity) = hits.fold((0, 0f32), |(n, r), &w| (n + 1, r + 1.0 / shared(w)));
            if score > best.0 || (score == best.0 && score > 0 && rarity > best.1) {
                best = (score, rarity, Some(*character));
            }
        }
        // Nothing said: the table's "unspecified" entry where it has one (the eye of a diabetic retinopathy,
        // E11.3299), else its first (initial encounter).
        let unsaid = || {
            let chars = &self.codes.seven_char_tables().get(code.seven? as usize)?.chars;
            let unspecified = chars.iter().find(|c| contains_ignore_case(&c.description, "unspecified"));
            unspecified.or(chars.first()).map(|c| c.character)
        };
        let wanted = best.2.or_else(unsaid).or_else(|| table.first().map(|t| t.0));
        code.children.iter().copied().find(|&c| self.codes.code(c).extension == wanted).unwrap_or(code.children[0])
    }
}

/// Does `haystack` contain the ASCII `needle` (lower case), ignoring ASCII case? No allocation.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether a description names another value on the axis a leaf leaves unspecified: the leaf's description up to
/// its ", unspecified ..." (`stem`), then a comma ("Impacted cerumen" + ", left ear").
fn on_axis_of(stem: &str, description: &str) -> bool {
    description.len() > stem.len() && description.starts_with(stem) && description[stem.len()..].starts_with(',')
}

/// How many times a description says "unspecified".
fn unspecified_count(description: &str) -> usize {
    description.to_ascii_lowercase().matches("unspecified").count()
}
