// FilterBar: the filter controls above a browser table: a text box (debounced), and for
// interactions a rating range and a date range (UTC days). Produces a BrowseFilter; the text
// reaches SQL only through BrowseFilter (bound parameters in storage/browse.cpp).
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "storage/browse.h"

class QDateEdit;
class QDoubleSpinBox;
class QLineEdit;
class QTimer;

namespace m6
{

class FilterBar : public QWidget
{
  Q_OBJECT
 public:
  /// Debounce of the text box, in milliseconds.
  static constexpr int kDebounceMs = 300;

  explicit FilterBar(BrowseTable table, QWidget* parent = nullptr);

  /// The filter the controls describe (entity filters userIdx/itemIdx are not set here).
  BrowseFilter filter() const;
  void clear();
  void focusText();
  QLineEdit* textEdit() const { return text_; }
  QDoubleSpinBox* ratingMin() const { return ratingMin_; }
  QDoubleSpinBox* ratingMax() const { return ratingMax_; }
  QDateEdit* dateFrom() const { return from_; }
  QDateEdit* dateTo() const { return to_; }

 Q_SIGNALS:
  /// The filter changed (after the debounce for typing).
  void filterChanged();

 private:
  QLineEdit* text_ = nullptr;
  QDoubleSpinBox* ratingMin_ = nullptr;
  QDoubleSpinBox* ratingMax_ = nullptr;
  QDateEdit* from_ = nullptr;
  QDateEdit* to_ = nullptr;
  QTimer* debounce_ = nullptr;
};

}  // namespace m6
