/*
 * main.c — the kaohe command: the table of subcommands (one file each,
 * cli_<name>.c) and the dispatcher. Programs use only include/kaohe/.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define DB_SOURCE_OPTS                                                                         \
    "  --db F            改从数据库计分: 方案写方案编码 (另有 --jurisdiction, --version)\n"     \
    "                    / score from the store instead: give the scheme id\n"
#define SCHEME_DATA_OPTS                                                                       \
    "  --data DIR       数据目录 / data folder (units.csv, values.csv, targets.csv,\n"       \
    "                   events.csv, ballots.csv)\n"                                           \
    "  --period P       考核期 / period: 2024, 2024H1, 2024Q3, 2024-07\n"

#define STORE_OPTS_ZH                                                                          \
    "  --db 文件         数据库文件 (默认 ./kaohe.db)\n"                                           \
    "  --jurisdiction J  辖区编码 (默认 default)\n"                                                \
    "  --user 名字       操作人, 记入审计日志 (默认 $KAOHE_USER 或 $USER)\n"
#define STORE_OPTS_EN                                                                          \
    "  --db FILE          the store (default ./kaohe.db)\n"                                       \
    "  --jurisdiction J   jurisdiction code (default: default)\n"                                 \
    "  --user NAME        who acts, for the audit log (default $KAOHE_USER or $USER)\n"

const struct cli_command cli_commands[] = {
    {"check", "校验考核方案", "validate a scheme",
     "用法: kaohe check 方案.yaml\n"
     "校验方案文件; 错误给出 文件:行:列 及应当如何书写。通过时打印指标树摘要和警告。\n",
     "usage: kaohe check SCHEME.yaml\n"
     "Validate a scheme; errors give file:line:column and what was expected. On success\n"
     "prints a summary of the indicator tree and any warnings.\n",
     cmd_check},
    {"score", "计算得分、排名、等次", "score units: every node, total, rank, tier",
     "用法: kaohe score 方案.yaml --data 目录 --period 期间 [选项]\n"
     "      kaohe score --db 文件 [--jurisdiction J] 方案编码 --period 期间 [--version N]\n"
     SCHEME_DATA_OPTS
     "  --format F       table | csv | json (终端默认 table, 否则 csv)\n"
     "  --depth N        表格显示到第N级指标 (默认1)\n"
     "  --category C     只显示该类别\n"
     "  --db 文件         从数据库计分: 方案编码即方案中的 id (kaohe import 导入),\n"
     "                   数据为库中已审核通过的数值\n"
     "  --version N      使用的方案版本 (默认最新)\n",
     "usage: kaohe score SCHEME.yaml --data DIR --period P [options]\n"
     "       kaohe score --db FILE [--jurisdiction J] SCHEME_ID --period P [--version N]\n"
     "  --format F       table | csv | json (table on a terminal, else csv)\n"
     "  --depth N        table: show indicators down to level N (default 1)\n"
     "  --category C     only this category\n"
     "  --db FILE        score from the store: SCHEME_ID is the scheme's id (kaohe import\n"
     "                   stores it), data are the store's approved values\n"
     "  --version N      the scheme version to use (default: the latest)\n",
     cmd_score},
    {"explain", "解释某个得分的计算过程", "explain how one score was computed",
     "用法: kaohe explain 方案.yaml --data 目录 --period 期间 --unit 单位 [--node 指标]\n" SCHEME_DATA_OPTS DB_SOURCE_OPTS
     "给出条款原文、输入数据及其来源行、比较范围、每一步计算、修约和对总分/排名/等次的影响。\n"
     "--node 省略时解释总分。\n",
     "usage: kaohe explain SCHEME.yaml --data DIR --period P --unit U [--node N]\n"
     "  --unit U         unit id or name\n"
     "  --node N         indicator id or name (default: the total)\n"
     "Prints the clause, the inputs with their data rows, the comparison group, each step,\n"
     "the rounding and the effect on total, rank and tier.\n",
     cmd_explain},
    {"firsts", "各指标第一名 (类别内、标签组内), 连续第一", "first places per indicator, streaks",
     "用法: kaohe firsts 方案.yaml --data 目录 --period 期间 [--since 期间]\n" SCHEME_DATA_OPTS DB_SOURCE_OPTS
     "  --since P        计算连续第一: 从P起逐期 (同类期间) 计算到 --period\n"
     "  --format F       table | csv | json\n",
     "usage: kaohe firsts SCHEME.yaml --data DIR --period P [--since P0]\n"
     "  --since P0       also count streaks: score every period of the same kind from P0\n"
     "  --format F       table | csv | json\n",
     cmd_firsts},
    {"weak", "单位薄弱点 (失分最多的指标)", "a unit's weak points",
     "用法: kaohe weak 方案.yaml --data 目录 --period 期间 --unit 单位 [--top N]\n" SCHEME_DATA_OPTS DB_SOURCE_OPTS
     "列出失分最多的指标: 得分、分值、失分、同类平均、差距。\n",
     "usage: kaohe weak SCHEME.yaml --data DIR --period P --unit U [--top N]\n"
     "  --unit U         unit id or name\n"
     "  --top N          how many (default 5)\n"
     "  --format F       table | csv | json\n",
     cmd_weak},
    {"demo", "内置示例区: 生成数据并显示各类别排名表", "the built-in demo district",
     "用法: kaohe demo [--period 期间] [--write 目录 | --db 文件]\n"
     "生成内置的示例区 (示例数据, 均为虚构): 12个镇街、14个部门、园区A档和B档各3个、120个\n"
     "村 (社区), 显示各类别的排名表 (与 kaohe score --format table 相同); 期间不足一年时\n"
     "再列出序时进度; 最后是村 (社区) “五星”支部的星级分布和前十名。\n"
     "  --period P       考核期, 默认 2024; 年中看序时进度用 2024H1 (月份期间只计当月数据)\n"
     "  --write DIR      不显示排名, 把方案 (scheme.yaml, villages.yaml) 和数据 (CSV, 村在\n"
     "                   DIR/villages/) 写入目录; kaohe score DIR/scheme.yaml --data DIR\n"
     "                   --period 2024 得到同样的排名表\n"
     "  --db 文件         不显示排名, 把上述文件写到临时目录后用 kaohe import 导入数据库\n"
     "                   (--jurisdiction 辖区, 默认 default); kaohe score --db 文件\n"
     "                   shiliqu_2024 --period 2024 得到同样的排名表\n",
     "usage: kaohe demo [--period P] [--write DIR | --db FILE]\n"
     "Generates the built-in demo district (synthetic data): 12 towns, 14 departments, 3 + 3\n"
     "parks in bands A and B, 120 villages; prints the league table of each category (as\n"
     "kaohe score --format table does), then time progress for a period shorter than a year,\n"
     "then the villages' star rating: how many per star and the top ten.\n"
     "  --period P       the period (default 2024); 2024H1 for mid-year progress (a month\n"
     "                   period counts that month's data only)\n"
     "  --write DIR      print no tables; save the schemes (scheme.yaml, villages.yaml) and\n"
     "                   the data (CSV; villages in DIR/villages/) into DIR, so that\n"
     "                   kaohe score DIR/scheme.yaml --data DIR --period 2024 gives the same\n"
     "                   tables\n"
     "  --db FILE        print no tables; write those files into a temporary folder and\n"
     "                   import them into the store (--jurisdiction J, default: default), so\n"
     "                   that kaohe score --db FILE shiliqu_2024 --period 2024 gives them\n",
     cmd_demo},
    {"export", "导出成绩表 (XLSX/CSV) 和数据填报模板",
     "export score tables (XLSX, CSV) and templates",
     "用法: kaohe export 方案.yaml --data 目录 --period 期间 --output 文件.xlsx [选项]\n"
     "      kaohe export template 方案.yaml --data 目录 --period 期间\n"
     "                   (--inputs 编码,编码 | --dept 部门) --output 文件.xlsx [选项]\n"
     SCHEME_DATA_OPTS
     "  --output F       写入文件 (先写临时文件再改名, 出错不留半个文件); CSV 不写时输出到屏幕\n"
     "成绩表: 每个类别一张工作表: 标题、按指标树合并的多级表头和分值行、排名/单位/名称、各指标\n"
     "得分 (按方案小数位的数字)、总分、等次、否决; 冻结窗格、A4 横向打印、每页重复表头;\n"
     "另有一张“明细数据”表, 与 kaohe score --format csv 的行列相同。\n"
     "  --format F       xlsx (默认) | csv (与 kaohe score --format csv 相同, 带 UTF-8 BOM)\n"
     "  --category C     只导出该类别\n"
     "  --depth N        只显示到第N级指标 (默认全部)\n"
     "  --all            另加一张“全部”工作表, 按类别分组列出所有单位\n"
     "  --no-data-sheet  不要“明细数据”表\n"
     "  --footer TEXT    页脚左侧的文字 (如快照编号和哈希)\n"
     "填报模板: 单位在行、数据项在列; 单位编码和名称锁定, 输入格只能填数字; 填好后用\n"
     "kaohe import 导入。\n"
     "  --inputs LIST    数据项编码 (方案 inputs: 中的编码), 用逗号分隔\n"
     "  --dept D         或: 责任单位 (dept:) 为 D 的各指标所用的全部数据项\n"
     "  --category C     只列该类别的单位\n"
     "  --fill           预先填入数据目录中该期间已有的数值\n",
     "usage: kaohe export SCHEME.yaml --data DIR --period P --output FILE.xlsx [options]\n"
     "       kaohe export template SCHEME.yaml --data DIR --period P\n"
     "                   (--inputs ID,ID | --dept DEPT) --output FILE.xlsx [options]\n"
     "  --output F       the file, replaced atomically (no half-written file on error);\n"
     "                   CSV goes to stdout without it\n"
     "Score tables: a sheet per category with a title, merged multi-level headers following\n"
     "the indicator tree and a points row, rank/unit/name, every node's score (numbers with\n"
     "the scheme's decimals), total, tier, vetoes; frozen panes, A4 landscape, header rows\n"
     "repeated on every page; and a sheet 明细数据 with the rows of kaohe score --format csv.\n"
     "  --format F       xlsx (default) | csv (as kaohe score --format csv, with a UTF-8 BOM)\n"
     "  --category C     only this category\n"
     "  --depth N        indicators down to level N (default: all)\n"
     "  --all            add a sheet 全部 with every unit, grouped by category\n"
     "  --no-data-sheet  leave out the sheet 明细数据\n"
     "  --footer TEXT    text on the left of the page footer (a snapshot id and hash)\n"
     "Templates: units down, inputs across; codes and names locked, input cells take\n"
     "numbers only; a filled template imports back with kaohe import.\n"
     "  --inputs LIST    input ids (under the scheme's inputs:), comma-separated\n"
     "  --dept D         or: every input read by the indicators whose dept: is D\n"
     "  --category C     only the units of this category\n"
     "  --fill           pre-fill the values the data folder has for the period\n",
     cmd_export},
    {"init", "创建数据库和辖区", "create the store and a jurisdiction",
     "用法: kaohe init [--db 文件] [--jurisdiction J] [--name 名称]\n" STORE_OPTS_ZH
     "  --name 名称       辖区的显示名称 (默认同编码)\n"
     "创建数据库文件 (SQLite, WAL) 并升级到当前结构版本, 再建立辖区; 已存在时不变。\n"
     "同一个文件可以有多个辖区 (如市和各区), 数据互不相混。\n",
     "usage: kaohe init [--db FILE] [--jurisdiction J] [--name NAME]\n" STORE_OPTS_EN
     "  --name NAME        display name of the jurisdiction (default: its code)\n"
     "Creates the store (an SQLite file in WAL mode) at the current schema version and the\n"
     "jurisdiction; harmless when they exist. One file may hold several jurisdictions.\n",
     cmd_init},
    {"import", "导入方案和数据 (CSV/XLSX), 全部成功或全不导入", "import schemes and data files",
     "用法: kaohe import [--kind 类型] 文件...\n" STORE_OPTS_ZH
     "  --kind K         scheme | units | values | targets | events | ballots; 不写时按文件名\n"
     "                   判断 (units.csv, values-2024.csv, *.yaml 等; 其他 .xlsx 视为数值)\n"
     "  --quiet          终端上也不显示进度条\n"
     "每个文件在一个事务中导入: 有一行错误则整个文件不导入, 报告 文件:行:列 及应当如何;\n"
     "再次导入同一文件不改变任何东西; 修改的数据记入审计日志 (原值 → 新值); 已锁定期间的\n"
     "数据不能修改。先导入方案和单位, 再导入其他数据 (同一命令中自动排序)。\n",
     "usage: kaohe import [--kind K] FILE...\n" STORE_OPTS_EN
     "  --kind K           scheme | units | values | targets | events | ballots; by default\n"
     "                     from the file name (units.csv, values-2024.csv, *.yaml …; other\n"
     "                     .xlsx files are values)\n"
     "  --quiet            no progress bar, even on a terminal\n"
     "Each file is imported in one transaction: one bad row rejects the whole file with its\n"
     "file:line:column; importing a file again changes nothing; changes are audited old →\n"
     "new; values of a locked period are refused. Files are taken schemes, units, then data.\n",
     cmd_import},
    {"publish", "发布: 计分并冻结为带哈希的快照", "score and freeze a snapshot with its hash",
     "用法: kaohe publish 方案编码 --period 期间 [--version N]\n" STORE_OPTS_ZH
     "  --version N      使用的方案版本 (默认最新)\n"
     "用库中的方案和已审核数据计分, 把方案版本、全部输入和全部结果冻结为快照, 打印快照\n"
     "编号和 SHA-256 哈希。内容不变时再次发布得到相同的哈希。\n",
     "usage: kaohe publish SCHEME_ID --period P [--version N]\n" STORE_OPTS_EN
     "  --version N        the scheme version to score (default: the latest)\n"
     "Scores from the store and freezes the scheme version, every input and every output as\n"
     "an immutable snapshot; prints its number and SHA-256 (the same again when nothing\n"
     "changed).\n",
     cmd_publish},
    {"snapshot", "列出快照; 复核快照可复现", "list snapshots; check one reproduces",
     "用法: kaohe snapshot [--verify 编号]\n" STORE_OPTS_ZH
     "  --verify N       只用快照中冻结的方案和数据重新计分, 核对哈希相同\n",
     "usage: kaohe snapshot [--verify N]\n" STORE_OPTS_EN
     "  --verify N         re-score snapshot N from its frozen records alone and check that\n"
     "                     the hash comes out the same\n",
     cmd_snapshot},
    {"diff", "比较两个快照: 结果变化及其原因", "compare two snapshots: what changed and why",
     "用法: kaohe diff 快照A 快照B [--json]\n" STORE_OPTS_ZH
     "列出得分、排名、等次有变化的单位 (逐项指标), 变化的输入数据 (原值 → 新值, 由谁、\n"
     "何时、来自哪个文件第几行), 并说明每个单位是因本单位数据变化, 还是因其他单位数据\n"
     "变化 (相对评价规则) 而变。\n"
     "  --json           以 JSON 输出 (格式见 docs/store.md)\n",
     "usage: kaohe diff A B [--json]\n" STORE_OPTS_EN
     "Lists the units whose scores, ranks or tiers changed (node by node), the input records\n"
     "that changed (old → new, who, when, file and row), and links each changed unit to its\n"
     "own changed inputs, or says it moved through other units' changes (relative rules).\n"
     "  --json             JSON output (docs/store.md)\n",
     cmd_diff},
    {"audit", "审计日志", "the audit log",
     "用法: kaohe audit [--limit N]\n" STORE_OPTS_ZH
     "按时间顺序列出: 时间 · 操作人 (渠道) · 操作 对象: 原值 → 新值。\n"
     "  --limit N        只列最近 N 条\n",
     "usage: kaohe audit [--limit N]\n" STORE_OPTS_EN
     "Lists every change, oldest first: when · who (channel) · what: old → new.\n"
     "  --limit N          only the last N entries\n",
     cmd_audit},
    {"lock", "锁定期间 (数据不能再改)", "lock a period against changes",
     "用法: kaohe lock 期间 [--reason 原因]\n" STORE_OPTS_ZH
     "锁定后, 该期间及其包含的期间 (如 2024 包含 2024Q1、2024-03) 的数值、目标和事项都不能\n"
     "修改, 导入会被拒绝。\n",
     "usage: kaohe lock PERIOD [--reason R]\n" STORE_OPTS_EN
     "No value, target or event of the period, or of a period inside it (2024 holds 2024Q1\n"
     "and 2024-03), may change any more; imports that would change one are refused.\n",
     cmd_lock},
    {"unlock", "解锁期间 (须说明原因)", "unlock a period (with a reason)",
     "用法: kaohe unlock 期间 --reason 原因\n" STORE_OPTS_ZH,
     "usage: kaohe unlock PERIOD --reason R\n" STORE_OPTS_EN,
     cmd_unlock},
    {"serve", "启动网页和 JSON API 服务", "serve the web app and the JSON API",
     "用法: kaohe serve [--db 文件] [--listen 地址:端口] [选项]\n" STORE_OPTS_ZH
     "  --listen A       监听地址 (默认 127.0.0.1:8080; :8080 为所有地址)\n"
     "  --threads N      工作线程数 (默认 4)\n"
     "  --timeout S      连接静默多少秒后断开 (默认 30)\n"
     "  --max-body N     请求体上限, 字节 (默认 16 MiB)\n"
     "  --max-evidence N 佐证材料上限, 字节 (默认 10 MiB)\n"
     "  --public         未登录也可查看已发布的结果\n"
     "接口说明见 docs/api.md。按 Ctrl-C 停止。\n",
     "usage: kaohe serve [--db FILE] [--listen ADDR:PORT] [options]\n" STORE_OPTS_EN
     "  --listen A         address (default 127.0.0.1:8080; :8080 for every address)\n"
     "  --threads N        worker threads (default 4)\n"
     "  --timeout S        seconds of silence before a connection is dropped (default 30)\n"
     "  --max-body N       largest request body in bytes (default 16 MiB)\n"
     "  --max-evidence N   largest evidence upload in bytes (default 10 MiB)\n"
     "  --public           published results readable without signing in\n"
     "The API is described in docs/api.md. Stop with Ctrl-C.\n",
     cmd_serve},
    {"account", "账号管理: 新建、列出、重置密码", "accounts: add, list, reset a password",
     "用法: kaohe account add 名字 --role 角色 [--unit 单位] [--indicators a,b] [--display 名称]\n"
     "      kaohe account list\n"
     "      kaohe account password 名字\n" STORE_OPTS_ZH
     "角色: admin (考核办) dept (数据部门) reporter (单位填报员) reviewer (审核员)\n"
     "      evaluator (评议人) leader (领导)。密码从标准输入读一行 (或环境变量 KAOHE_PASSWORD)。\n",
     "usage: kaohe account add NAME --role ROLE [--unit U] [--indicators a,b] [--display D]\n"
     "       kaohe account list\n"
     "       kaohe account password NAME\n" STORE_OPTS_EN
     "Roles: admin dept reporter reviewer evaluator leader. The password is read as one line\n"
     "from standard input (or from $KAOHE_PASSWORD).\n",
     cmd_account},
    {NULL, NULL, NULL, NULL, NULL, NULL}};

const struct cli_command *cli_find(const char *name)
{
    const struct cli_command *c;
    for (c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void usage(FILE *out)
{
    const struct cli_command *c;
    fprintf(out, "kaohe — 目标管理与绩效考核 / target management and performance assessment\n\n"
                 "用法 usage: kaohe <命令 command> [选项 options]\n\n");
    for (c = cli_commands; c->name; c++)
        fprintf(out, "  %-8s %s / %s\n", c->name, c->summary_zh, c->summary_en);
    fprintf(out, "\n  kaohe <命令> --help 查看命令帮助 / for a command's help\n"
                 "  kaohe version\n");
}

int main(int argc, char **argv)
{
    const struct cli_command *c;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc >= 3 && (c = cli_find(argv[2]))) {
            cli_help(c, stdout);
            return EXIT_OK;
        }
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("kaohe 0.1.0\n");
        return EXIT_OK;
    }
    c = cli_find(argv[1]);
    if (!c) {
        fprintf(stderr, "kaohe: 未知命令 unknown command '%s'\n\n", argv[1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
