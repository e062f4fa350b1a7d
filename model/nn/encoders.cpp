#include "model/nn/encoders.h"

namespace m6
{

namespace
{

// Small initial embeddings: a token is the sum of several of them, and the dot scorer multiplies
// two tokens, so unit-variance embeddings would start with huge, saturated logits.
constexpr double kEmbeddingInitStd = 0.05;

}  // namespace

EntityEncoderImpl::EntityEncoderImpl(const EntityEncoderOptions& o) : options_(o)
{
  const int64_t d = o.dim;
  int64_t parts = 0;
  if (o.numIds > 0)
  {
    id_ = register_module("id", torch::nn::Embedding(o.numIds, d));
    torch::nn::init::normal_(id_->weight, 0.0, kEmbeddingInitStd);
    ++parts;
  }
  for (const auto& c : o.columns)
  {
    switch (c.kind)
    {
      case ColumnKind::Categorical:
      {
        auto m = register_module(
            c.moduleName,
            torch::nn::Embedding(torch::nn::EmbeddingOptions(c.cardinality, d).padding_idx(0)));
        torch::NoGradGuard guard;
        torch::nn::init::normal_(m->weight, 0.0, kEmbeddingInitStd);
        m->weight[0].zero_();
        slot_.push_back(static_cast<int>(categorical_.size()));
        categorical_.push_back(m);
        break;
      }
      case ColumnKind::Bag:
      {
        auto m = register_module(
            c.moduleName, torch::nn::EmbeddingBag(torch::nn::EmbeddingBagOptions(c.cardinality, d)
                                                      .mode(torch::kMean)
                                                      .padding_idx(0)));
        torch::NoGradGuard guard;
        torch::nn::init::normal_(m->weight, 0.0, kEmbeddingInitStd);
        m->weight[0].zero_();
        slot_.push_back(static_cast<int>(bags_.size()));
        bags_.push_back(m);
        break;
      }
      case ColumnKind::Numeric:
      {
        // As small as an embedding, for the reason above: Linear's own initialisation (weights
        // and bias up to 1/sqrt(2)) made a numeric field ten times larger than every other part
        // of a fresh token, so all items started nearly parallel along it, and a model with the
        // popularity prior took the shortcut and lost in-domain and zero-shot quality.
        auto m = register_module(c.moduleName, torch::nn::Linear(2, d));
        torch::NoGradGuard guard;
        torch::nn::init::normal_(m->weight, 0.0, kEmbeddingInitStd);
        m->bias.zero_();
        slot_.push_back(static_cast<int>(numeric_.size()));
        numeric_.push_back(m);
        break;
      }
    }
    ++parts;
  }
  bias_ = register_parameter("bias", torch::zeros({d}));
  if (o.concat && parts > 0)
  {
    merge_ = register_module("merge", torch::nn::Linear(parts * d, d));
  }
}

torch::Tensor EntityEncoderImpl::forward(const torch::Tensor& ids,
                                         const std::vector<torch::Tensor>& columns,
                                         const std::vector<BagMeans>* bagMeans)
{
  std::vector<torch::Tensor> parts;
  if (id_)
  {
    torch::Tensor e = id_(ids);
    if (options_.idDropout > 0 && is_training())
    {
      // Dropped rows are zero, not rescaled: exactly what an id the model never saw looks like
      // (unmatched rows of a carried id table are zero), so the content fields learn that case.
      torch::Tensor keep = (torch::rand({e.size(0), 1}) >= options_.idDropout).to(e.scalar_type());
      e = e * keep;
    }
    parts.push_back(e);
  }
  int64_t n = ids.defined() ? ids.size(0) : (columns.empty() ? 0 : columns[0].size(0));
  return combine(std::move(parts), columns, n, bagMeans);
}

void EntityEncoderImpl::setSparseIds(bool on)
{
  if (id_)
  {
    id_->options.sparse(on);
  }
}

torch::Tensor EntityEncoderImpl::withoutIds(const std::vector<torch::Tensor>& columns, int64_t n)
{
  return combine({}, columns, n);
}

torch::Tensor EntityEncoderImpl::combine(std::vector<torch::Tensor> parts,
                                         const std::vector<torch::Tensor>& columns, int64_t n,
                                         const std::vector<BagMeans>* bagMeans)
{
  for (size_t i = 0; i < options_.columns.size(); ++i)
  {
    const int s = slot_[i];
    switch (options_.columns[i].kind)
    {
      case ColumnKind::Categorical:
        parts.push_back(categorical_[static_cast<size_t>(s)](columns[i]));
        break;
      case ColumnKind::Bag:
      {
        torch::nn::EmbeddingBag& bag = bags_[static_cast<size_t>(s)];
        if (bag->weight.requires_grad() && torch::GradMode::is_enabled())
        {
          // Training: EmbeddingBag's backward sorts the values every step (a third of a
          // sampled-softmax step on ml-latest-small); the compressed rows are one pass each way.
          // A whole table's are built once per session, a subset's here.
          parts.push_back(meanBags(bag->weight, bagMeans && (*bagMeans)[i].defined()
                                                    ? (*bagMeans)[i]
                                                    : bagMeansOf(columns[i].to(torch::kInt64),
                                                                 options_.columns[i].cardinality)));
        }
        else
        {
          parts.push_back(bag(columns[i]));
        }
        break;
      }
      case ColumnKind::Numeric:
        parts.push_back(numeric_[static_cast<size_t>(s)](columns[i]));
        break;
    }
  }
  if (parts.empty())
  {
    return bias_.unsqueeze(0).expand({n, options_.dim});
  }
  if (merge_)
  {
    if (id_ && static_cast<int64_t>(parts.size()) < merge_->weight.size(1) / options_.dim)
    {
      // No id part (an unknown entity): its slot of the concatenation is zero.
      parts.insert(parts.begin(), torch::zeros({n, options_.dim}, parts[0].options()));
    }
    return merge_(torch::cat(parts, 1)) + bias_;
  }
  torch::Tensor sum = parts[0];
  for (size_t i = 1; i < parts.size(); ++i)
  {
    sum = sum + parts[i];
  }
  return sum + bias_;
}

}  // namespace m6
