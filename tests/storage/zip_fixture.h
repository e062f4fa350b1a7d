// Writes zip archives for tests with libarchive's writer (deflate), so the archives the importer
// reads are real ones. Link LibArchive::LibArchive.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtGlobal>
#include <string>
#include <utility>
#include <vector>

namespace m6test
{

using ZipMembers = std::vector<std::pair<std::string, QByteArray>>;

/// Writes a zip archive holding `members` (path inside the archive, bytes) and returns `path`.
inline std::string writeZip(const std::string& path, const ZipMembers& members)
{
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK)
  {
    qFatal("cannot write %s: %s", path.c_str(), archive_error_string(a));
  }
  for (const auto& [name, bytes] : members)
  {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, bytes.size());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, bytes.constData(), static_cast<size_t>(bytes.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return path;
}

/// Zips the files `names` of `folder` as `inside`/NAME (a dataset folder as it is downloaded)
/// into `path`, and returns it.
inline QString zipFolder(const QString& path, const QString& folder, const std::string& inside,
                         const std::vector<std::string>& names)
{
  ZipMembers members;
  for (const auto& name : names)
  {
    QFile f(folder + "/" + QString::fromStdString(name));
    if (!f.open(QIODevice::ReadOnly))
    {
      qFatal("cannot read %s", qPrintable(f.fileName()));
    }
    members.push_back({inside + "/" + name, f.readAll()});
  }
  return QString::fromStdString(writeZip(path.toStdString(), members));
}

}  // namespace m6test
