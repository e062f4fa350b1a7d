// Recommends from an exported .m6model in C++ without M6 Workbench: LibTorch and nlohmann-json.
// Usage: m6_example_recommend MODEL.m6model ITEM,ITEM,...  (a new user's items, oldest first)
#include <torch/script.h>

#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

int main(int argc, char** argv)
{
  if (argc != 3)
  {
    std::cerr << "usage: " << argv[0] << " MODEL.m6model ITEM,ITEM,...\n";
    return 2;
  }
  torch::jit::Module model = torch::jit::load(argv[1]);
  auto vocab = nlohmann::json::parse(model.attr("vocab").toStringRef());
  std::map<std::string, int64_t> index;
  for (size_t i = 0; i < vocab["items"].size(); ++i)
  {
    index[vocab["items"][i]] = static_cast<int64_t>(i);
  }
  c10::List<int64_t> history;
  std::stringstream ids(argv[2]);
  for (std::string id; std::getline(ids, id, ',');)
  {
    history.push_back(index.at(id));
  }
  auto top = model.run_method("recommend", history, -1, -1, 10).toTuple()->elements();
  auto items = top[0].toIntList();
  auto scores = top[1].toDoubleList();
  for (size_t r = 0; r < items.size(); ++r)
  {
    std::cout << vocab["items"][items[r]].get<std::string>() << " " << std::setprecision(9)
              << scores[r] << " " << vocab["item_titles"][items[r]].get<std::string>() << "\n";
  }
  return 0;
}
