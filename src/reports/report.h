// Reports and submissions: from a selection of cases and incidents and a template for a named
// mechanism, a document in English or Korean, redacted by default, as self-contained HTML with
// print styles (PDF: pdf.h).
//
// Mechanisms (data/report_templates/<mechanism>.json, text in English and Korean):
//   sr_dprk      communication / urgent appeal to the Special Rapporteur on the DPRK
//   wgad         individual communication to the Working Group on Arbitrary Detention
//   upr          stakeholder submission to the Universal Periodic Review (word limits)
//   statistical  general statistical report
// Every document cites its sources (titles, publishers, dates; never contacts). Redaction follows
// redaction.h; a request to un-redact is checked by the caller (CheckUnredaction) and audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "reports/redaction.h"
#include "reports/statistics.h"
#include "store/store.h"

namespace dossier::reports {

struct ReportRequest {
  std::string mechanism = "statistical";
  std::string lang = "en";
  Selection selection;
  std::string organisation;     // who submits; empty = "the submitting organisation"
  bool joint = false;           // UPR: a joint submission (higher word limit)
  bool trim = true;             // drop optional sections, lowest priority first, to meet a word limit
  bool estimates = true;        // MSE estimates beside documented counts
  RedactionPolicy policy;
  std::string unredact_reason;  // required when policy.redact is false
};

// Strict JSON form: {"mechanism", "lang", "organisation", "joint", "trim", "estimates",
// "threshold", "k", "redact", "unredact_reason", "selection": {"incident_type", "place",
// "year_from", "year_to", "incident_ids", "case_ids"}}. Errors name the field.
Result<ReportRequest> ReportRequestFromJson(const nlohmann::json& j);
Result<Selection> SelectionFromJson(const nlohmann::json& j, const std::string& where);
nlohmann::ordered_json ToJson(const Selection& s);

struct TemplateInfo {
  std::string mechanism;
  std::string name_en, name_ko;
  std::optional<int64_t> word_limit, joint_word_limit;
  bool needs_cases = false;
};
Result<std::vector<TemplateInfo>> ListTemplates();

struct Report {
  std::string mechanism, lang, title;
  std::string html;     // the whole document
  std::string article;  // the <article> alone, for previews inside the web application
  int64_t words = 0;
  std::optional<int64_t> word_limit;
  std::vector<std::string> trimmed;    // sections dropped to meet the word limit
  std::vector<std::string> warnings;
  std::vector<std::string> redaction;  // what redaction did, in words
  std::vector<std::string> case_ids;
  bool redacted = true;
};

Result<Report> GenerateReport(const Store& store, const ReportRequest& request);
// Statistics as published: labels in `lang`, every count under `threshold` replaced by its text
// ("fewer than 5") with "suppressed": true and no number, lone hidden cells hidden in pairs.
// {"selection", "persons", "incidents", "acts", "tables": [{"dimension", "cells": [{"key", "label",
// "persons", "incidents", "acts"}], "total"}], "estimates": [...]}; each count is {"value"?, "text",
// "suppressed"}.
nlohmann::ordered_json StatisticsToJson(const Statistics& stats, const Catalog& catalog, const std::string& lang,
                                        int64_t threshold);
Result<Report> GenerateReport(const Snapshot& snapshot, const Store& store, const ReportRequest& request);

// Words as counted for limits: runs of non-space characters holding at least one letter or digit
// (any non-ASCII byte counts as a letter, so Hangul words count once each).
int64_t CountWords(std::string_view text);

// Which optional sections to drop so that `words` fits `limit`: sections are (id, words,
// optional, priority); the optional ones go lowest priority first. Refused with the counts when
// even all of them gone is not enough, or when `trim` is false and the text is too long.
struct SectionWords {
  std::string id;
  int64_t words = 0;
  bool optional = false;
  int priority = 0;  // higher = kept longer
};
Result<std::vector<std::string>> FitWordLimit(const std::vector<SectionWords>& sections, int64_t limit, bool trim);

// Cases whose incidents match a selection: one incident at or under the place, one starting in the
// years, one of the type (not necessarily the same incident: "returned after arrest in Shenyang").
Result<std::vector<cases::Case>> MatchingCases(const Snapshot& snapshot, const Store& store, const Selection& s);

}  // namespace dossier::reports
