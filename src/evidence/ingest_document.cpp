// Reading a document's bytes: validation, EUC-KR conversion, and a small tolerant HTML tokenizer.
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "evidence/ingest.h"

namespace dossier::evidence {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool StartsWithNoCase(std::string_view s, size_t at, std::string_view prefix) {
  if (s.size() - at < prefix.size() || at > s.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

size_t FindNoCase(std::string_view s, size_t from, std::string_view needle) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (StartsWithNoCase(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The entities real articles use; anything else stays as written.
const std::map<std::string, uint32_t, std::less<>>& NamedEntities() {
  static const std::map<std::string, uint32_t, std::less<>> kEntities = {
      {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
      {"nbsp", 0xA0},     {"middot", 0xB7},   {"hellip", 0x2026}, {"mdash", 0x2014},  {"ndash", 0x2013},
      {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"copy", 0xA9},
      {"reg", 0xAE},      {"trade", 0x2122},  {"bull", 0x2022},   {"laquo", 0xAB},    {"raquo", 0xBB},
      {"eacute", 0xE9},   {"times", 0xD7},    {"deg", 0xB0},      {"sect", 0xA7},     {"para", 0xB6},
  };
  return kEntities;
}

// Decodes character references in `s` (text or an attribute value).
std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i++];
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    bool ok = false;
    if (!name.empty() && name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      std::string_view digits = name.substr(hex ? 2 : 1);
      ok = !digits.empty();
      for (char c : digits) {
        int v = (c >= '0' && c <= '9') ? c - '0' : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (v < 0 || cp > 0x10FFFF) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      // NUL, surrogates and out-of-range references become U+FFFD, as browsers do.
      if (ok && (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) cp = 0xFFFD;
    } else if (auto it = NamedEntities().find(name); it != NamedEntities().end()) {
      cp = it->second;
      ok = true;
    }
    if (!ok) {
      out += s[i++];
      continue;
    }
    AppendUtf8(out, cp == 0xA0 ? ' ' : cp);
    i = semi + 1;
  }
  return out;
}

bool IsBlockTag(std::string_view t) {
  static constexpr std::string_view kBlocks[] = {
      "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "blockquote", "section",
      "article", "header", "footer", "main", "aside", "nav", "figure", "figcaption", "pre", "dd", "dt", "dl",
      "hr", "address", "caption", "td", "th", "form", "fieldset", "body", "html"};
  return std::find(std::begin(kBlocks), std::end(kBlocks), t) != std::end(kBlocks);
}

// Assembles paragraphs: runs of white space become one space, block boundaries a blank line.
class TextBuilder {
 public:
  void Text(std::string_view s) {
    for (char c : s) {
      if (IsSpace(c)) {
        pending_space_ = !current_.empty() && current_.back() != '\n';
      } else {
        if (pending_space_) current_ += ' ';
        pending_space_ = false;
        current_ += c;
      }
    }
  }
  void LineBreak() {
    if (!current_.empty()) current_ += '\n';
    pending_space_ = false;
  }
  void Paragraph() {
    while (!current_.empty() && (current_.back() == '\n' || current_.back() == ' ')) current_.pop_back();
    if (!current_.empty()) {
      if (!out_.empty()) out_ += "\n\n";
      out_ += current_;
    }
    current_.clear();
    pending_space_ = false;
  }
  std::string Finish() {
    Paragraph();
    return std::move(out_);
  }

 private:
  std::string out_, current_;
  bool pending_space_ = false;
};

struct Tag {
  std::string name;  // lower-case, without '/'
  bool closing = false;
  std::map<std::string, std::string> attributes;  // lower-case names, decoded values
  size_t end = 0;  // offset just past '>'
};

// Parses the tag starting at `at` (s[at] == '<'); nullopt when '>' never comes.
std::optional<Tag> ParseTag(std::string_view s, size_t at) {
  Tag tag;
  size_t i = at + 1;
  if (i < s.size() && s[i] == '/') {
    tag.closing = true;
    ++i;
  }
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == ':')) {
    tag.name += Lower(s[i++]);
  }
  while (i < s.size()) {
    while (i < s.size() && (IsSpace(s[i]) || s[i] == '/')) ++i;
    if (i >= s.size()) return std::nullopt;
    if (s[i] == '>') {
      tag.end = i + 1;
      return tag;
    }
    std::string attr;
    while (i < s.size() && !IsSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/') attr += Lower(s[i++]);
    while (i < s.size() && IsSpace(s[i])) ++i;
    std::string value;
    if (i < s.size() && s[i] == '=') {
      ++i;
      while (i < s.size() && IsSpace(s[i])) ++i;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        const char quote = s[i++];
        const size_t close = s.find(quote, i);
        if (close == std::string_view::npos) return std::nullopt;
        value = DecodeEntities(s.substr(i, close - i));
        i = close + 1;
      } else {
        while (i < s.size() && !IsSpace(s[i]) && s[i] != '>') value += s[i++];
        value = DecodeEntities(value);
      }
    }
    if (!attr.empty()) tag.attributes[attr] = value;
  }
  return std::nullopt;
}

std::string Trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

Result<std::string> FromEucKr(std::string_view bytes, std::string_view name) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open("windows-949", &status), &ucnv_close);
  if (U_FAILURE(status)) return Error::Internal("the EUC-KR converter is not available in ICU");
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), conv.get(), status);
  if (U_FAILURE(status)) {
    return Error::Invalid(fmt::format("{}: not valid EUC-KR either; cannot read it", name));
  }
  std::string out;
  u.toUTF8String(out);
  return out;
}

// True when the bytes read as EUC-KR (CP949) without error and hold Hangul: the usual reason a
// Korean file is not UTF-8.
bool LooksLikeEucKr(std::string_view bytes) {
  auto converted = FromEucKr(bytes, "");
  if (!converted.ok()) return false;
  const std::u32string u = linkage::ToU32(*converted);
  return std::any_of(u.begin(), u.end(), [](char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; });
}

}  // namespace

std::optional<size_t> FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

Result<Document> ExtractHtml(std::string_view s, std::string_view name) {
  Document doc;
  doc.html = true;
  TextBuilder text;
  bool html_open = false, html_closed = false, body_open = false, body_closed = false;
  int head_depth = 0;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '<') {
      const size_t next = std::min(s.find('<', i), s.size());
      if (head_depth == 0) text.Text(DecodeEntities(s.substr(i, next - i)));
      i = next;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const size_t close = s.find("-->", i + 4);
      if (close == std::string_view::npos) {
        return Error::Invalid(fmt::format("{}: truncated or malformed HTML: the comment opened at byte {} never ends",
                                          name, i));
      }
      i = close + 3;
      continue;
    }
    if (i + 1 < s.size() && (s[i + 1] == '!' || s[i + 1] == '?')) {
      const size_t close = s.find('>', i);
      if (close == std::string_view::npos) {
        return Error::Invalid(fmt::format("{}: truncated or malformed HTML: the declaration at byte {} never ends", name, i));
      }
      i = close + 1;
      continue;
    }
    const bool tag_start = i + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '/');
    if (!tag_start) {
      if (i + 1 >= s.size()) {
        return Error::Invalid(fmt::format("{}: truncated or malformed HTML: the file ends inside a tag at byte {}", name, i));
      }
      if (head_depth == 0) text.Text("<");
      ++i;
      continue;
    }
    auto tag = ParseTag(s, i);
    if (!tag) {
      return Error::Invalid(fmt::format("{}: truncated or malformed HTML: the tag at byte {} is never closed with '>'",
                                        name, i));
    }
    const size_t tag_at = i;
    i = tag->end;
    const std::string& t = tag->name;
    if (t == "html") (tag->closing ? html_closed : html_open) = true;
    if (t == "body") (tag->closing ? body_closed : body_open) = true;
    if (t == "head") head_depth = tag->closing ? 0 : 1;
    if (!tag->closing && (t == "script" || t == "style" || t == "noscript" || t == "template" || t == "title" ||
                          t == "textarea")) {
      const std::string closer = "</" + t;
      const size_t close = FindNoCase(s, i, closer);
      if (close == std::string_view::npos) {
        return Error::Invalid(fmt::format("{}: truncated or malformed HTML: <{}> at byte {} is never closed", name, t,
                                          tag_at));
      }
      if (t == "title" && doc.title.empty()) doc.title = Trimmed(DecodeEntities(s.substr(i, close - i)));
      if (t == "textarea" && head_depth == 0) text.Text(DecodeEntities(s.substr(i, close - i)));
      const size_t gt = s.find('>', close);
      if (gt == std::string_view::npos) {
        return Error::Invalid(fmt::format("{}: truncated or malformed HTML: the tag at byte {} is never closed with '>'",
                                          name, close));
      }
      i = gt + 1;
      continue;
    }
    if (t == "meta") {
      const auto& a = tag->attributes;
      const std::string key = LowerAscii(a.count("name") ? a.at("name") : a.count("property") ? a.at("property") : "");
      const std::string content = a.count("content") ? Trimmed(a.at("content")) : "";
      if (key == "author" && doc.author.empty()) doc.author = content;
      if ((key == "date" || key == "article:published_time" || key == "dc.date" || key == "pubdate") &&
          doc.published.empty()) {
        doc.published = content;
      }
      if (key == "og:site_name" && doc.site.empty()) doc.site = content;
      continue;
    }
    if (head_depth > 0) continue;
    if (t == "br") {
      text.LineBreak();
    } else if (IsBlockTag(t)) {
      text.Paragraph();
    }
  }
  if (html_open && !html_closed) {
    return Error::Invalid(fmt::format("{}: truncated or malformed HTML: <html> is never closed (the file may be cut off)",
                                      name));
  }
  if (body_open && !body_closed) {
    return Error::Invalid(fmt::format("{}: truncated or malformed HTML: <body> is never closed (the file may be cut off)",
                                      name));
  }
  doc.text = text.Finish();
  return doc;
}

Result<Document> ReadDocument(std::string_view bytes, std::string_view name, DocumentFormat format,
                              std::string_view encoding) {
  if (bytes.empty()) return Error::Invalid(fmt::format("{}: the file is empty", name));
  if (const void* nul = std::memchr(bytes.data(), 0, bytes.size())) {
    const size_t at = static_cast<size_t>(static_cast<const char*>(nul) - bytes.data());
    return Error::Invalid(fmt::format("{}: binary file (NUL byte at offset {}); only plain text and HTML can be ingested",
                                      name, at));
  }
  std::string converted;
  const std::string enc = LowerAscii(encoding);
  if (enc == "euc-kr" || enc == "cp949") {
    DOSSIER_ASSIGN_OR_RETURN(converted, FromEucKr(bytes, name));
    bytes = converted;
  } else if (!enc.empty() && enc != "utf-8" && enc != "utf8") {
    return Error::Invalid(fmt::format("{}: unknown encoding '{}'; use utf-8 or euc-kr", name, encoding));
  } else if (auto bad = FirstInvalidUtf8(bytes)) {
    std::string hint = LooksLikeEucKr(bytes) ? "; it looks like EUC-KR: ingest it with --encoding euc-kr (or convert it "
                                               "with `iconv -f EUC-KR -t UTF-8`)"
                                             : "";
    return Error::Invalid(fmt::format("{}: not UTF-8: invalid byte 0x{:02X} at offset {}{}", name,
                                      static_cast<unsigned char>(bytes[*bad]), *bad, hint));
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
      return Error::Invalid(fmt::format("{}: binary file (control byte 0x{:02X} at offset {}); only plain text and HTML "
                                        "can be ingested", name, c, i));
    }
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  std::string normalised;
  normalised.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r') {
      normalised += '\n';
      if (i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
    } else {
      normalised += bytes[i];
    }
  }
  if (format == DocumentFormat::kAuto) {
    size_t first = 0;
    while (first < normalised.size() && IsSpace(normalised[first])) ++first;
    format = (first < normalised.size() && normalised[first] == '<') ? DocumentFormat::kHtml : DocumentFormat::kText;
  }
  Document doc;
  if (format == DocumentFormat::kHtml) {
    DOSSIER_ASSIGN_OR_RETURN(doc, ExtractHtml(normalised, name));
  } else {
    // Plain text is stored as written (line ends normalised, trailing space dropped), so spans
    // quote the file itself.
    while (!normalised.empty() && IsSpace(normalised.back())) normalised.pop_back();
    doc.text = std::move(normalised);
  }
  if (Trimmed(doc.text).empty()) {
    return Error::Invalid(fmt::format("{}: the document has no text{}", name, doc.html ? " outside its markup" : ""));
  }
  return doc;
}

size_t Utf16Offset(std::string_view text, size_t byte) {
  size_t units = 0;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += (c >= 0xF0) ? 2 : 1;
  }
  return units;
}

std::string GuessLanguage(std::string_view text) {
  size_t hangul = 0, letters = 0;
  for (char32_t c : linkage::ToU32(text)) {
    if (c >= 0xAC00 && c <= 0xD7A3) {
      ++hangul;
      ++letters;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x4E00 && c <= 0x9FFF)) {
      ++letters;
    }
  }
  return letters > 0 && hangul * 5 >= letters ? "ko" : "en";
}

}  // namespace dossier::evidence
