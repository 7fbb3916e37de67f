<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Case Supervision Workstation</source>
        <translation>关于案件监督工作站</translation>
    </message>
    <message>
        <source>Case Supervision Workstation</source>
        <translation>案件监督工作站</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Schema revision</source>
        <translation>数据库结构版本</translation>
    </message>
    <message>
        <source>Qt / PySide6</source>
        <translation>Qt / PySide6</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <source>System</source>
        <translation>操作系统</translation>
    </message>
    <message>
        <source>Logs folder</source>
        <translation>日志文件夹</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Show licence…</source>
        <translation>查看许可证全文…</translation>
    </message>
    <message>
        <source>Components and their licences:</source>
        <translation>所含组件及其许可证：</translation>
    </message>
    <message>
        <source>not initialised (this program uses {head})</source>
        <translation>尚未初始化（本程序使用 {head}）</translation>
    </message>
    <message>
        <source>{current} (current)</source>
        <translation>{current}（最新）</translation>
    </message>
    <message>
        <source>{current} (this program uses {head})</source>
        <translation>{current}（本程序使用 {head}，打开时将升级）</translation>
    </message>
    <message>
        <source>(this text is missing from the installation)</source>
        <translation>（安装中缺少此文本）</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <source>Add a user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>登录名：</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>at least {n} characters</source>
        <translation>至少 {n} 位</translation>
    </message>
    <message>
        <source>Repeat password:</source>
        <translation>再次输入密码：</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>AnomalyQueueModel</name>
    <message>
        <source>Anomaly</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>人工标记</translation>
    </message>
    <message>
        <source>{state} by {user}, {time} · {agency}</source>
        <translation>{user} {time} {state} · {agency}</translation>
    </message>
</context>
<context>
    <name>BatchesModel</name>
    <message>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>By</source>
        <translation>导入人</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Undone {time}</source>
        <translation>已于 {time} 撤销</translation>
    </message>
    <message>
        <source>In effect</source>
        <translation>有效</translation>
    </message>
    <message>
        <source> (+{n} updated)</source>
        <translation>（另更新 {n} 件）</translation>
    </message>
    <message>
        <source>SHA-256: {sha}</source>
        <translation>SHA-256：{sha}</translation>
    </message>
</context>
<context>
    <name>BriefDialog</name>
    <message>
        <source>New brief</source>
        <translation>新建简报</translation>
    </message>
    <message>
        <source>No. {issue}</source>
        <translation>第 {issue} 期</translation>
    </message>
    <message>
        <source>Counted per store; give an earlier number to issue it again.</source>
        <translation>期号按本数据库顺延；填写以前的期号可重新印发该期。</translation>
    </message>
    <message>
        <source>Totals, conclusion rates and overdue leads are counted to this date.</source>
        <translation>累计数、办结率和逾期线索均统计到此日期。</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>{copies} copies</source>
        <translation>{copies} 份</translation>
    </message>
    <message>
        <source>Each copy carries its own number (第 N 份) on its first page.</source>
        <translation>每份首页印有各自的份号（第 N 份）。</translation>
    </message>
    <message>
        <source>Mask reporters&apos; names and phones</source>
        <translation>隐去反映人姓名和电话</translation>
    </message>
    <message>
        <source>Unticked, the brief shows reporters in full; that is recorded in the audit trail.</source>
        <translation>取消勾选后，简报将显示反映人完整信息，并记入审计日志。</translation>
    </message>
    <message>
        <source>Reporters&apos; names and phones are masked (张** · 138****1234).</source>
        <translation>反映人姓名和电话已隐去（张** · 138****1234）。</translation>
    </message>
    <message>
        <source>Issue</source>
        <translation>期号</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <source>Counted to</source>
        <translation>统计截至</translation>
    </message>
    <message>
        <source>Issuing unit</source>
        <translation>印发单位</translation>
    </message>
    <message>
        <source>Date of issue</source>
        <translation>印发日期</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>印数</translation>
    </message>
    <message>
        <source>Reporters</source>
        <translation>反映人信息</translation>
    </message>
    <message>
        <source>Sections</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Always included: overview, channels, categories, units, handling and results, overdue leads, case review findings, watch list.</source>
        <translation>固定包含：总体情况、来源渠道、问题类别、被反映单位、处置和核查结论、逾期线索、案件评查发现的问题、重点关注人员和单位。</translation>
    </message>
    <message>
        <source>Appendix: every lead received in the period</source>
        <translation>附件：本期受理线索明细</translation>
    </message>
    <message>
        <source>Text of this section; a blank line starts a new paragraph.</source>
        <translation>本部分正文；空一行另起一段。</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Making the brief…</source>
        <translation>正在生成简报…</translation>
    </message>
    <message>
        <source>Cancelled: no file was written and nothing was recorded.</source>
        <translation>已取消：未生成文件，也未作记录。</translation>
    </message>
    <message>
        <source>The brief could not be made.</source>
        <translation>简报未能生成。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>BriefPreview</name>
    <message>
        <source>{title}, issue {issue}</source>
        <translation>{title} 第 {issue} 期</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>First page</source>
        <translation>第一页</translation>
    </message>
    <message>
        <source>Last page</source>
        <translation>最后一页</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>适合宽度</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>保存 PDF…</translation>
    </message>
    <message>
        <source>Save Excel workbook…</source>
        <translation>保存 Excel 工作簿…</translation>
    </message>
    <message>
        <source>No Excel workbook was issued with this brief.</source>
        <translation>该期简报未生成 Excel 工作簿。</translation>
    </message>
    <message>
        <source>{copies} numbered copies of {pages} pages each; the preview shows copy 1.</source>
        <translation>共印 {copies} 份，每份 {pages} 页，各有份号；预览显示第 1 份。</translation>
    </message>
    <message>
        <source>SHA-256: {digest}</source>
        <translation>文件校验值（SHA-256）：{digest}</translation>
    </message>
    <message>
        <source>Page {page} of {pages}</source>
        <translation>第 {page} / {pages} 页</translation>
    </message>
    <message>
        <source>{percent}%</source>
        <translation>{percent}%</translation>
    </message>
    <message>
        <source>Print brief</source>
        <translation>打印简报</translation>
    </message>
    <message>
        <source>This brief was issued in {issued} numbered copies, so at most {issued} can be printed. For more copies, make the brief again with a larger number of copies.</source>
        <translation>本期简报共印 {issued} 份（每份有编号），最多只能打印 {issued} 份。如需更多份数，请重新生成简报并增加印数。</translation>
    </message>
    <message>
        <source>Copy {number}</source>
        <translation>第 {number} 份</translation>
    </message>
    <message>
        <source>Printing {copies} copies ({sheets} pages)…</source>
        <translation>正在打印 {copies} 份（共 {sheets} 页）…</translation>
    </message>
    <message>
        <source>Printed {copies} copies ({pages} pages) to {path}</source>
        <translation>已将 {copies} 份（共 {pages} 页）打印到 {path}</translation>
    </message>
    <message>
        <source>Sent {copies} copies ({pages} pages) to {printer}</source>
        <translation>已将 {copies} 份（共 {pages} 页）发送到打印机 {printer}</translation>
    </message>
    <message>
        <source>Printing cancelled.</source>
        <translation>已取消打印。</translation>
    </message>
    <message>
        <source>Printing failed</source>
        <translation>打印失败</translation>
    </message>
    <message>
        <source>Save brief as PDF</source>
        <translation>将简报保存为 PDF</translation>
    </message>
    <message>
        <source>PDF file (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <source>Saved the PDF to {path}</source>
        <translation>已将 PDF 保存到 {path}</translation>
    </message>
    <message>
        <source>Save brief as Excel workbook</source>
        <translation>将简报保存为 Excel 工作簿</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Save Excel workbook</source>
        <translation>保存 Excel 工作簿</translation>
    </message>
    <message>
        <source>Writing the Excel workbook {name}…</source>
        <translation>正在写入 Excel 工作簿 {name}…</translation>
    </message>
    <message>
        <source>Saved the Excel workbook to {path}</source>
        <translation>已将 Excel 工作簿保存到 {path}</translation>
    </message>
    <message>
        <source>Please wait: the last job is still running.</source>
        <translation>请稍候：上一项工作尚未完成。</translation>
    </message>
    <message>
        <source>Cancelled; no file was written.</source>
        <translation>已取消，未写入文件。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>BriefsPage</name>
    <message>
        <source>Briefs</source>
        <translation>简报</translation>
    </message>
    <message>
        <source>New brief…</source>
        <translation>新建简报…</translation>
    </message>
    <message>
        <source>New brief (Ctrl+N)</source>
        <translation>新建简报（Ctrl+N）</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>另存副本…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Your role may neither make nor read briefs; ask a leader or inspector.</source>
        <translation>您的角色无权生成或查看简报；如需简报，请联系领导或核查人员。</translation>
    </message>
    <message>
        <source>Files issued from this store, newest first. Each is checked against its SHA-256 before it is shown or copied. Kept in {folder}</source>
        <translation>本数据库印发过的简报文件，最新的在前。打开或另存前均按 SHA-256 校验值核对文件。存档位置：{folder}</translation>
    </message>
    <message>
        <source>No brief has been issued from this store yet: click “New brief…”.</source>
        <translation>本数据库尚未印发简报：请点击“新建简报…”。</translation>
    </message>
    <message>
        <source>New brief</source>
        <translation>新建简报</translation>
    </message>
    <message>
        <source>Issue {issue} made: {path}</source>
        <translation>第 {issue} 期简报已生成：{path}</translation>
    </message>
    <message>
        <source>File not in the archive</source>
        <translation>存档中没有该文件</translation>
    </message>
    <message>
        <source>Locate the file and check it against the record?</source>
        <translation>是否手动找到该文件，并与记录的校验值核对？</translation>
    </message>
    <message>
        <source>Locate issue {issue}</source>
        <translation>查找第 {issue} 期简报文件</translation>
    </message>
    <message>
        <source>PDF file (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Not the issued file</source>
        <translation>不是印发的文件</translation>
    </message>
    <message>
        <source>“{name}” is not the file issued as issue {issue}: its SHA-256 differs from the record.</source>
        <translation>“{name}”不是第 {issue} 期印发的文件：其 SHA-256 校验值与记录不符。</translation>
    </message>
    <message>
        <source>Brief</source>
        <translation>简报</translation>
    </message>
    <message>
        <source>Only an Excel workbook was issued for this brief: save a copy.</source>
        <translation>该期简报只生成了 Excel 工作簿：请另存副本。</translation>
    </message>
    <message>
        <source>Save a copy of issue {issue}</source>
        <translation>另存第 {issue} 期简报副本</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>另存副本</translation>
    </message>
    <message>
        <source>Saved a copy of issue {issue} to {path}</source>
        <translation>已将第 {issue} 期简报副本保存到 {path}</translation>
    </message>
</context>
<context>
    <name>BulkEditDialog</name>
    <message>
        <source>Assign handler unit</source>
        <translation>分办承办单位</translation>
    </message>
    <message>
        <source>Change status</source>
        <translation>更改办理状态</translation>
    </message>
    <message>
        <source>Set disposition</source>
        <translation>设置处置方式</translation>
    </message>
    <message>
        <source>{count} selected leads get this value. Ctrl+Z undoes the change.</source>
        <translation>选中的 {count} 条线索将改为此值，可按 Ctrl+Z 撤销。</translation>
    </message>
    <message>
        <source>Type to find a unit</source>
        <translation>输入单位名称查找</translation>
    </message>
    <message>
        <source>{count} leads: {changes}</source>
        <translation>{count} 条线索：{changes}</translation>
    </message>
    <message>
        <source>No lead was changed</source>
        <translation>未修改线索</translation>
    </message>
    <message>
        <source>No lead was changed: {count} problems were found.</source>
        <translation>没有修改任何线索：发现 {count} 个问题。</translation>
    </message>
</context>
<context>
    <name>CaseDetail</name>
    <message>
        <source>{month}/{day}/{year}</source>
        <translation>{year}年{month}月{day}日</translation>
    </message>
    <message>
        <source>Select a case to see its facts and history.</source>
        <translation>选择一个案件，查看案件事实和经过。</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>{amount} yuan</source>
        <translation>{amount} 元</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>受案</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Not filed</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>撤案</translation>
    </message>
    <message>
        <source>Sent for prosecution</source>
        <translation>移送审查起诉</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>最近办案活动</translation>
    </message>
    <message>
        <source>Suspect identified</source>
        <translation>嫌疑人已明确</translation>
    </message>
    <message>
        <source>Procuratorate decision</source>
        <translation>检察机关决定</translation>
    </message>
    <message>
        <source>Major or complex</source>
        <translation>重大复杂</translation>
    </message>
    <message>
        <source>Amount involved</source>
        <translation>涉案金额</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>承办人</translation>
    </message>
    <message>
        <source>Complainant</source>
        <translation>报案人</translation>
    </message>
    <message>
        <source>Facts</source>
        <translation>案件事实</translation>
    </message>
    <message>
        <source>Anomalies</source>
        <translation>案件异常</translation>
    </message>
    <message>
        <source>None recorded.</source>
        <translation>暂无。</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>人工标记</translation>
    </message>
    <message>
        <source>{user}, {time}: {reason}</source>
        <translation>{user}&#x3000;{time}&#x3000;理由：{reason}</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Lead</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审查</translation>
    </message>
    <message>
        <source>History</source>
        <translation>经过</translation>
    </message>
</context>
<context>
    <name>CasesModel</name>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Sent for prosecution ({decision})</source>
        <translation>移送起诉（{decision}）</translation>
    </message>
    <message>
        <source>Sent for prosecution</source>
        <translation>已移送起诉</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤案</translation>
    </message>
    <message>
        <source>Not filed</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Under investigation</source>
        <translation>已立案</translation>
    </message>
    <message>
        <source>Awaiting filing decision</source>
        <translation>待决定立案</translation>
    </message>
    <message>
        <source>Case No.</source>
        <translation>案号</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>办案单位</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>案由</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>受案日期</translation>
    </message>
    <message>
        <source>Filed</source>
        <translation>立案日期</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>状态/进展</translation>
    </message>
    <message>
        <source>Suspect</source>
        <translation>嫌疑人</translation>
    </message>
    <message>
        <source>Anomalies</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>Identified</source>
        <translation>已明确</translation>
    </message>
    <message>
        <source>Not identified</source>
        <translation>未明确</translation>
    </message>
    <message>
        <source>No open anomalies</source>
        <translation>无未结异常</translation>
    </message>
    <message>
        <source>{progress} since {date}</source>
        <translation>{progress}（{date}）</translation>
    </message>
    <message>
        <source>Officer: {name}</source>
        <translation>承办人：{name}</translation>
    </message>
</context>
<context>
    <name>CasesView</name>
    <message>
        <source>No cases match the filters.</source>
        <translation>没有符合筛选条件的案件。</translation>
    </message>
    <message>
        <source>Mark anomaly…</source>
        <translation>标记异常…</translation>
    </message>
    <message>
        <source>Record an anomaly you found in this case, with the reason (Ctrl+M)</source>
        <translation>记录您在本案中发现的异常，并说明理由（Ctrl+M）</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Search case no., agency, cause, complainant or officer</source>
        <translation>搜索案号、办案单位、案由、报案人或承办人</translation>
    </message>
    <message>
        <source>Any anomaly kind</source>
        <translation>全部异常类型</translation>
    </message>
    <message>
        <source>Open anomalies only</source>
        <translation>仅看有未结异常</translation>
    </message>
    <message>
        <source>Cases with a suspected or confirmed anomaly</source>
        <translation>有疑似或已认定异常的案件</translation>
    </message>
    <message>
        <source>Badges: solid = confirmed, outlined = suspected</source>
        <translation>实心：已认定&#x3000;空心：疑似</translation>
    </message>
    <message>
        <source>All agencies</source>
        <translation>全部办案单位</translation>
    </message>
    <message>
        <source>Select a case to see its facts and history.</source>
        <translation>选择一个案件，查看案件事实和经过。</translation>
    </message>
    <message>
        <source>Mark anomaly</source>
        <translation>标记异常</translation>
    </message>
    <message>
        <source>{refusal}. Ask an inspector to record this anomaly.</source>
        <translation>{refusal}。请由核查人员标记此异常。</translation>
    </message>
    <message>
        <source>Case {case_no} ({agency})</source>
        <translation>案件 {case_no}（{agency}）</translation>
    </message>
    <message>
        <source>Mark</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Flag #{id} ({kind}) is open on this case: confirm it in the review queue.</source>
        <translation>本案已有疑似{kind}异常 #{id}，请在“异常审查”中直接认定。</translation>
    </message>
    <message>
        <source>{count} cases</source>
        <translation>共 {count} 条</translation>
    </message>
    <message>
        <source>Cannot read the store</source>
        <translation>无法读取数据库</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>What the import would do with every row. Nothing has been written yet.</source>
        <translation>导入将如何处理每一行。目前尚未写入任何内容。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>开始导入</translation>
    </message>
    <message>
        <source>duplicates, skipped</source>
        <translation>行重复，不导入</translation>
    </message>
    <message>
        <source>cases updated</source>
        <translation>件已有案件将更新</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>行被拒绝</translation>
    </message>
    <message>
        <source>Rejected rows — fix them in the file and import it again:</source>
        <translation>被拒绝的行——请在文件中改正后重新导入：</translation>
    </message>
    <message>
        <source>Save rejected rows as Excel…</source>
        <translation>将被拒绝的行另存为 Excel…</translation>
    </message>
    <message>
        <source>leads would be imported</source>
        <translation>条线索将导入</translation>
    </message>
    <message>
        <source>cases would be imported</source>
        <translation>件案件将导入</translation>
    </message>
    <message>
        <source>Reading every row…</source>
        <translation>正在逐行读取…</translation>
    </message>
    <message>
        <source>Nothing to import: every row is a duplicate or was rejected.</source>
        <translation>没有可导入的内容：每一行都是重复的，或被拒绝。</translation>
    </message>
    <message>
        <source>{rows} data rows read from “{file}”.</source>
        <translation>从“{file}”读取了 {rows} 行数据。</translation>
    </message>
    <message>
        <source>{n} of the rows to import are repeats of a lead already recorded (重复件): they are imported and linked to the first.</source>
        <translation>其中 {n} 行是已登记线索的重复件：照常导入，并关联到首件。</translation>
    </message>
    <message>
        <source>{n} rows hold no record (blank, totals, notes) and are skipped.</source>
        <translation>{n} 行不含记录（空行、合计行、说明行），已跳过。</translation>
    </message>
    <message>
        <source>This file was imported before (batch {batches}).</source>
        <translation>此文件曾经导入过（批次 {batches}）。</translation>
    </message>
</context>
<context>
    <name>ConflictsModel</name>
    <message>
        <source>Record</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>This machine&apos;s value</source>
        <translation>本机的值</translation>
    </message>
    <message>
        <source>The other value</source>
        <translation>对方的值</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来自</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>发现时间</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>处理</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>Kept this machine&apos;s</source>
        <translation>保留本机</translation>
    </message>
    <message>
        <source>Took the other</source>
        <translation>采用对方</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>{decision} · {who} {when}</source>
        <translation>{decision} · {who} {when}</translation>
    </message>
</context>
<context>
    <name>ConflictsView</name>
    <message>
        <source>Open conflicts</source>
        <translation>待处理的冲突</translation>
    </message>
    <message>
        <source>All conflicts</source>
        <translation>全部冲突</translation>
    </message>
    <message>
        <source>Selected conflict</source>
        <translation>选中的冲突</translation>
    </message>
    <message>
        <source>This machine&apos;s value</source>
        <translation>本机的值</translation>
    </message>
    <message>
        <source>The other value</source>
        <translation>对方的值</translation>
    </message>
    <message>
        <source>Keep this machine&apos;s</source>
        <translation>保留本机</translation>
    </message>
    <message>
        <source>Take the other</source>
        <translation>采用对方</translation>
    </message>
    <message>
        <source>L keeps this machine&apos;s value · R takes the other machine&apos;s</source>
        <translation>L 保留本机的值 · R 采用对方的值</translation>
    </message>
    <message>
        <source>Read only: deciding conflicts needs an inspector&apos;s role.</source>
        <translation>只读：处理冲突需要核查人员角色。</translation>
    </message>
    <message>
        <source>{count} open</source>
        <translation>待处理 {count} 处</translation>
    </message>
    <message>
        <source>{count} listed, {open} open</source>
        <translation>共 {count} 处，待处理 {open} 处</translation>
    </message>
    <message>
        <source>No open conflicts. When a field was changed on both machines since their last exchange, importing the packet lists it here for a decision.</source>
        <translation>没有待处理的冲突。两台机器自上次交换以来都改动过的字段，会在导入交换包时列在这里，等待处理。</translation>
    </message>
    <message>
        <source>No conflicts yet: no exchange packet has brought any.</source>
        <translation>尚无冲突：导入的交换包都没有带来冲突。</translation>
    </message>
    <message>
        <source>{record}, field “{field}”</source>
        <translation>{record}，字段“{field}”</translation>
    </message>
    <message>
        <source>The value from {store}</source>
        <translation>来自 {store} 的值</translation>
    </message>
    <message>
        <source>{record}, “{field}”: {decision}</source>
        <translation>{record}“{field}”：{decision}</translation>
    </message>
</context>
<context>
    <name>Cover</name>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Case Supervision Workstation</source>
        <translation>案件监督工作站</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>The program ran into an unexpected error</source>
        <translation>程序遇到意外错误</translation>
    </message>
    <message>
        <source>Your data is safe: the change that was under way was not saved. You can continue working. If it happens again, save a report and give it to the maintainers; it holds no names, phone numbers or lead text.</source>
        <translation>您的数据是安全的：出错时正在进行的修改没有保存，您可以继续工作。如果再次出现，请保存报告并交给维护人员；报告中不含姓名、电话号码或线索内容。</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <source>Save report…</source>
        <translation>保存报告…</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Quit the program</source>
        <translation>退出程序</translation>
    </message>
    <message>
        <source>More errors happened since: {count}</source>
        <translation>此后又发生了 {count} 个错误</translation>
    </message>
    <message>
        <source>Report saved: {path}</source>
        <translation>报告已保存：{path}</translation>
    </message>
    <message>
        <source>Save error report</source>
        <translation>保存错误报告</translation>
    </message>
    <message>
        <source>Text file (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
    <message>
        <source>The report could not be saved: {reason}</source>
        <translation>报告未能保存：{reason}</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>Total leads</source>
        <translation>线索总数</translation>
    </message>
    <message>
        <source>New this period</source>
        <translation>本期新增</translation>
    </message>
    <message>
        <source>Conclusion rate</source>
        <translation>办结率</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Suspected anomalies</source>
        <translation>疑似异常</translation>
    </message>
    <message>
        <source>Confirmed anomalies</source>
        <translation>已认定异常</translation>
    </message>
    <message>
        <source>List every lead</source>
        <translation>查看全部线索</translation>
    </message>
    <message>
        <source>List the leads received in this period</source>
        <translation>查看本期受理的线索</translation>
    </message>
    <message>
        <source>List the concluded leads</source>
        <translation>查看已办结的线索</translation>
    </message>
    <message>
        <source>List the open leads past their due date</source>
        <translation>查看逾期未办结的线索</translation>
    </message>
    <message>
        <source>Review the suspected anomalies</source>
        <translation>评查疑似异常</translation>
    </message>
    <message>
        <source>List the confirmed anomalies</source>
        <translation>查看已认定的异常</translation>
    </message>
    <message>
        <source>Leads by category</source>
        <translation>线索问题类别</translation>
    </message>
    <message>
        <source>Click a bar to list its leads</source>
        <translation>点击条形查看相应线索</translation>
    </message>
    <message>
        <source>Leads by type of the subject&apos;s unit</source>
        <translation>被反映单位类型</translation>
    </message>
    <message>
        <source>Leads received and concluded each week</source>
        <translation>每周受理与办结线索</translation>
    </message>
    <message>
        <source>Click a point of the received line to list that week&apos;s leads</source>
        <translation>点击“受理”折线上的点，查看当周受理的线索</translation>
    </message>
    <message>
        <source>Case anomalies by kind</source>
        <translation>案件异常类型</translation>
    </message>
    <message>
        <source>Click a bar to review those flags</source>
        <translation>点击条形进入异常评查</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近 30 天</translation>
    </message>
    <message>
        <source>Campaign so far</source>
        <translation>教育整顿以来</translation>
    </message>
    <message>
        <source>What “New this period” counts</source>
        <translation>“本期新增”统计的时间范围</translation>
    </message>
    <message>
        <source>This period:</source>
        <translation>本期：</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Count again (F5)</source>
        <translation>重新统计（F5）</translation>
    </message>
    <message>
        <source>The figures could not be counted: {message}</source>
        <translation>无法统计：{message}</translation>
    </message>
    <message>
        <source>{month}/{day}</source>
        <translation>{month}月{day}日</translation>
    </message>
    <message>
        <source>Figures as of {date}</source>
        <translation>数据统计至{date}</translation>
    </message>
    <message>
        <source>received up to {date}</source>
        <translation>截至{date}受理</translation>
    </message>
    <message>
        <source>{start} – {end}</source>
        <translation>{start}至{end}</translation>
    </message>
    <message>
        <source>{count} concluded</source>
        <translation>已办结 {count} 件</translation>
    </message>
    <message>
        <source>open, past the due date</source>
        <translation>未办结且已超过办理期限</translation>
    </message>
    <message>
        <source>awaiting review</source>
        <translation>待评查认定</translation>
    </message>
    <message>
        <source>confirmed by reviewers</source>
        <translation>经评查认定</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Concluded</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Suspected</source>
        <translation>疑似</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>已认定</translation>
    </message>
</context>
<context>
    <name>ExchangePage</name>
    <message>
        <source>leads</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>anomalies</source>
        <translation>案件异常</translation>
    </message>
    <message>
        <source>units</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>persons</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>deletions</source>
        <translation>删除记录</translation>
    </message>
    <message>
        <source>audit events</source>
        <translation>审计事件</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{kind} {count}</source>
        <translation>{kind} {count}</translation>
    </message>
    <message>
        <source>Tell the passphrase to the other machine&apos;s operator separately (in person or by phone). Never write it on the USB stick or put it in the same bag as the packet.</source>
        <translation>口令须另行告知对方工作站的操作员（当面或电话告知），切勿写在U盘上，也不要与交换包一同携带。</translation>
    </message>
    <message>
        <source>Data exchange</source>
        <translation>数据交换</translation>
    </message>
    <message>
        <source>Your role ({role}) neither exchanges packets nor decides conflicts. Administrators exchange packets; inspectors and administrators decide conflicts.</source>
        <translation>您的角色（{role}）不能交换数据，也不能处理冲突。管理员导入导出交换包；核查人员和管理员处理冲突。</translation>
    </message>
    <message>
        <source>Exchange packets</source>
        <translation>交换包</translation>
    </message>
    <message>
        <source>This machine: {name} (store id {id})</source>
        <translation>本机：{name}（数据库标识 {id}）</translation>
    </message>
    <message>
        <source>Rename this machine</source>
        <translation>修改本机名称</translation>
    </message>
    <message>
        <source>Name shown to the machines this one exchanges packets with:</source>
        <translation>与本机交换数据的其他工作站看到的名称：</translation>
    </message>
    <message>
        <source>Machines with no network between them exchange their work on a USB stick: export a packet here, import it on the other machine, and the other way round. A packet is encrypted with a passphrase; a field changed on both machines since their last exchange becomes a conflict to decide.</source>
        <translation>不联网的工作站之间用U盘交换数据：在这里导出交换包，到另一台机器上导入，反方向同样操作。交换包用口令加密；两台机器自上次交换以来都改动过的字段成为冲突，由人工处理。</translation>
    </message>
    <message>
        <source>Rename this machine…</source>
        <translation>修改本机名称…</translation>
    </message>
    <message>
        <source>Export packet…</source>
        <translation>导出交换包…</translation>
    </message>
    <message>
        <source>Import packet…</source>
        <translation>导入交换包…</translation>
    </message>
    <message>
        <source>Last exchange</source>
        <translation>最近一次交换</translation>
    </message>
    <message>
        <source>No packet has been exchanged with another machine yet.</source>
        <translation>尚未与其他工作站交换过数据。</translation>
    </message>
    <message>
        <source>Machines exchanged with</source>
        <translation>交换过数据的工作站</translation>
    </message>
    <message>
        <source>Conflicts ({count})</source>
        <translation>冲突（{count}）</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>exchange-{date}</source>
        <translation>交换包-{date}</translation>
    </message>
    <message>
        <source>Writing the exchange packet…</source>
        <translation>正在写出交换包…</translation>
    </message>
    <message>
        <source>Packet written to {path}: {counts}.</source>
        <translation>交换包已写到 {path}：{counts}。</translation>
    </message>
    <message>
        <source>no records</source>
        <translation>没有记录</translation>
    </message>
    <message>
        <source>Exchange packet written to {path}</source>
        <translation>交换包已写到 {path}</translation>
    </message>
    <message>
        <source>Open an exchange packet</source>
        <translation>打开交换包</translation>
    </message>
    <message>
        <source>Exchange packet (*{suffix});;All files (*)</source>
        <translation>交换包 (*{suffix});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing the exchange packet…</source>
        <translation>正在导入交换包…</translation>
    </message>
    <message>
        <source>The packet from {source} was imported before: nothing was changed.</source>
        <translation>来自 {source} 的这个交换包之前已导入，未作任何改动。</translation>
    </message>
    <message>
        <source>Packet from {source} imported.</source>
        <translation>来自 {source} 的交换包已导入。</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>{n} records unchanged.</source>
        <translation>{n} 条记录无变化。</translation>
    </message>
    <message>
        <source>{n} open conflicts were settled by the other machine&apos;s decision.</source>
        <translation>{n} 处待处理的冲突已按对方的处理结果解决。</translation>
    </message>
    <message>
        <source>Exchange packet from {source} imported</source>
        <translation>来自 {source} 的交换包已导入</translation>
    </message>
    <message>
        <source>{what}: {counts}.</source>
        <translation>{what}：{counts}。</translation>
    </message>
    <message>
        <source>{n} conflicts await a decision</source>
        <translation>{n} 处冲突待处理</translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation>已取消，未作任何改动。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export an exchange packet</source>
        <translation>导出交换包</translation>
    </message>
    <message>
        <source>All records (for a machine not exchanged with yet)</source>
        <translation>全部数据（给尚未交换过的工作站）</translation>
    </message>
    <message>
        <source>{name}: what changed since the last exchange</source>
        <translation>{name}：上次交换以来的改动</translation>
    </message>
    <message>
        <source>All records, not only the changes</source>
        <translation>导出全部数据，而不只是改动</translation>
    </message>
    <message>
        <source>e.g. Team 2 laptop (optional)</source>
        <translation>例如：核查二组笔记本（可不填）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>For:</source>
        <translation>交给：</translation>
    </message>
    <message>
        <source>Receiving machine:</source>
        <translation>接收的工作站：</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>口令：</translation>
    </message>
    <message>
        <source>Passphrase again:</source>
        <translation>再输一遍口令：</translation>
    </message>
    <message>
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <source>The packet is encrypted with the passphrase (at least {n} characters); only someone who knows it can read or import the packet.</source>
        <translation>交换包用口令加密（口令至少 {n} 个字符），只有知道口令的人才能查看或导入。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save the exchange packet as</source>
        <translation>交换包保存为</translation>
    </message>
    <message>
        <source>Exchange packet (*{suffix})</source>
        <translation>交换包 (*{suffix})</translation>
    </message>
    <message>
        <source>The passphrase needs at least {n} characters.</source>
        <translation>口令至少需要 {n} 个字符。</translation>
    </message>
    <message>
        <source>The two passphrases differ: type it again.</source>
        <translation>两次输入的口令不一致，请重新输入。</translation>
    </message>
    <message>
        <source>Choose where to save the packet.</source>
        <translation>请选择交换包的保存位置。</translation>
    </message>
    <message>
        <source>The folder “{folder}” does not exist.</source>
        <translation>文件夹“{folder}”不存在。</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>An Excel workbook (.xlsx, .xlsm, .xls) or a CSV file of leads or of cases. You can also drop the file on this window.</source>
        <translation>问题线索或案件台账的 Excel 工作簿（.xlsx、.xlsm、.xls）或 CSV 文件。也可以把文件拖到此窗口。</translation>
    </message>
    <message>
        <source>Path of the file</source>
        <translation>文件路径</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Drop an Excel or CSV file here</source>
        <translation>将 Excel 或 CSV 文件拖到这里</translation>
    </message>
    <message>
        <source>Reading “{name}”…</source>
        <translation>正在读取“{name}”…</translation>
    </message>
    <message>
        <source>CSV file, encoding {encoding}.</source>
        <translation>CSV 文件，编码 {encoding}。</translation>
    </message>
    <message>
        <source>Excel workbook with {n} sheet(s).</source>
        <translation>Excel 工作簿，共 {n} 个工作表。</translation>
    </message>
    <message>
        <source>No header row was recognised; you can choose it later.</source>
        <translation>未识别出表头，可在后面的步骤中指定。</translation>
    </message>
    <message>
        <source>Header on row {rows}; choose whether it holds leads or cases.</source>
        <translation>表头在第 {rows} 行；请选择内容是线索还是案件。</translation>
    </message>
    <message>
        <source>The sheet “{sheet}” seems to hold {kind} (header on row {rows}).</source>
        <translation>工作表“{sheet}”的内容应是{kind}（表头在第 {rows} 行）。</translation>
    </message>
    <message>
        <source>It seems to hold {kind} (header on row {rows}).</source>
        <translation>内容应是{kind}（表头在第 {rows} 行）。</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Search lead no., subject, unit, reporter, case no. or summary  (Ctrl+F)</source>
        <translation>搜索线索编号、被反映人、单位、反映人、案号或问题内容（Ctrl+F）</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>全部渠道</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All unit types</source>
        <translation>全部单位类型</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>来源渠道</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <source>Type of the subject&apos;s unit</source>
        <translation>被反映人单位类型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>办理状态</translation>
    </message>
    <message>
        <source>Subject&apos;s unit</source>
        <translation>被反映人单位</translation>
    </message>
    <message>
        <source>from any date</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>to any date</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Received on or after</source>
        <translation>受理时间不早于此日</translation>
    </message>
    <message>
        <source>Received on or before</source>
        <translation>受理时间不晚于此日</translation>
    </message>
    <message>
        <source>Overdue only</source>
        <translation>仅看超期</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Total {count}</source>
        <translation>共 {count} 条</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>Create the first administrator</source>
        <translation>创建第一个管理员</translation>
    </message>
    <message>
        <source>This store has no user accounts yet: whoever opens it acts as administrator. Create the first administrator; from then on everyone signs in with a login and a password, and what a role may not do is refused.</source>
        <translation>此数据库尚未设置用户账户：任何打开它的人都以管理员身份操作。请创建第一个管理员；此后每个人都须用登录名和密码登录，超出其角色权限的操作将被拒绝。</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>登录名：</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>at least {n} characters</source>
        <translation>至少 {n} 位</translation>
    </message>
    <message>
        <source>Repeat password:</source>
        <translation>再次输入密码：</translation>
    </message>
    <message>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <source>Continue without accounts</source>
        <translation>暂不设置账户</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>FirstLook</name>
    <message>
        <source>Loading…</source>
        <translation>正在载入…</translation>
    </message>
</context>
<context>
    <name>FlagPanel</name>
    <message>
        <source>Marked by a reviewer</source>
        <translation>审查人员人工标记</translation>
    </message>
    <message>
        <source>Rule {rule}: {title}</source>
        <translation>规则 {rule}：{title}</translation>
    </message>
    <message>
        <source>As of the scan of {date}</source>
        <translation>依据截至{date}的扫描</translation>
    </message>
    <message>
        <source>{state} by {user} on {time}</source>
        <translation>{user} 于 {time} {state}</translation>
    </message>
    <message>
        <source>Reason: {reason}</source>
        <translation>理由：{reason}</translation>
    </message>
    <message>
        <source>Closed automatically on {time}: {reason}</source>
        <translation>{time} 自动关闭：{reason}</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>人工标记</translation>
    </message>
    <message>
        <source>Other anomalies of this case</source>
        <translation>本案其他异常</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import an exchange packet</source>
        <translation>导入交换包</translation>
    </message>
    <message>
        <source>Packet: {path}</source>
        <translation>交换包：{path}</translation>
    </message>
    <message>
        <source>Open the packet</source>
        <translation>打开交换包</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>口令：</translation>
    </message>
    <message>
        <source>What the packet holds</source>
        <translation>交换包内容</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>来自：</translation>
    </message>
    <message>
        <source>Made:</source>
        <translation>生成时间：</translation>
    </message>
    <message>
        <source>Schema revision:</source>
        <translation>数据结构版本：</translation>
    </message>
    <message>
        <source>Records:</source>
        <translation>记录：</translation>
    </message>
    <message>
        <source>Changes made:</source>
        <translation>改动时间：</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Type the passphrase the packet was made with.</source>
        <translation>请输入导出交换包时设定的口令。</translation>
    </message>
    <message>
        <source>Opening the packet…</source>
        <translation>正在打开交换包…</translation>
    </message>
    <message>
        <source>{name} (store {id})</source>
        <translation>{name}（数据库 {id}）</translation>
    </message>
    <message>
        <source>unnamed machine</source>
        <translation>未命名的工作站</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>no changes</source>
        <translation>没有改动</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>{start} 至 {end}</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Your role ({role}) cannot import spreadsheets. Clerks, inspectors and administrators import leads and case ledgers.</source>
        <translation>您的角色（{role}）不能导入表格。线索和案件台账由录入员、核查人员或管理员导入。</translation>
    </message>
    <message>
        <source>Import a spreadsheet of leads or a case ledger (.xlsx, .xlsm, .xls, .csv). The wizard shows how it reads the file and what it would do with every row before anything is written.</source>
        <translation>导入问题线索表或案件台账（.xlsx、.xlsm、.xls、.csv）。导入向导先显示如何读取文件、每一行将如何处理，确认后才写入。</translation>
    </message>
    <message>
        <source>New import…</source>
        <translation>新建导入…</translation>
    </message>
    <message>
        <source>Mapping profiles…</source>
        <translation>映射方案…</translation>
    </message>
    <message>
        <source>…or drop an Excel or CSV file here</source>
        <translation>……或将 Excel、CSV 文件拖到这里</translation>
    </message>
    <message>
        <source>Undo import…</source>
        <translation>撤销导入…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Imports so far</source>
        <translation>导入记录</translation>
    </message>
    <message>
        <source>Undo import</source>
        <translation>撤销导入</translation>
    </message>
    <message>
        <source>Undo batch {batch} (“{file}”, {n} records imported)? Its records are removed; this is refused if any of them was edited since.</source>
        <translation>撤销批次 {batch}（“{file}”，导入 {n} 条记录）？该批次的记录将被删除；如其中有记录之后被修改过，将不能撤销。</translation>
    </message>
    <message>
        <source>Undo the import</source>
        <translation>撤销导入</translation>
    </message>
    <message>
        <source>Undoing batch {batch}…</source>
        <translation>正在撤销批次 {batch}…</translation>
    </message>
    <message>
        <source>Batch {batch} was undone: {n} records removed.</source>
        <translation>批次 {batch} 已撤销：删除 {n} 条记录。</translation>
    </message>
    <message>
        <source>{n} updated cases got their earlier facts back.</source>
        <translation>{n} 件被更新的案件已恢复原值。</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import a spreadsheet</source>
        <translation>导入表格</translation>
    </message>
    <message>
        <source>Choose a spreadsheet</source>
        <translation>选择表格文件</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xlsm *.xls *.csv);;All files (*)</source>
        <translation>表格文件 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save the rejected rows</source>
        <translation>保存被拒绝的行</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>IssuedBriefsModel</name>
    <message>
        <source>Issue</source>
        <translation>期号</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <source>Counted to</source>
        <translation>统计截至</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>生成人</translation>
    </message>
    <message>
        <source>Made at</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Reporters</source>
        <translation>反映人信息</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>印数</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256 校验值</translation>
    </message>
    <message>
        <source>No. {issue}</source>
        <translation>第 {issue} 期</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>{start} 至 {end}</translation>
    </message>
    <message>
        <source>Masked</source>
        <translation>已隐去</translation>
    </message>
    <message>
        <source>In full</source>
        <translation>完整</translation>
    </message>
</context>
<context>
    <name>LeadFields</name>
    <message>
        <source>Lead No.</source>
        <translation>线索编号</translation>
    </message>
    <message>
        <source>Received on</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>来源渠道</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>反映人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Anonymous</source>
        <translation>是否匿名</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>被反映人</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Subject&apos;s unit</source>
        <translation>被反映人单位</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>主要问题</translation>
    </message>
    <message>
        <source>Linked case No.</source>
        <translation>关联案号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>办理状态</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>处置方式</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>核查结论</translation>
    </message>
    <message>
        <source>Handling unit</source>
        <translation>承办单位</translation>
    </message>
    <message>
        <source>Due on</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <source>Concluded on</source>
        <translation>办结日期</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Person reported</source>
        <translation>被反映人</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>办理</translation>
    </message>
    <message>
        <source>“{text}” is not a date: write 2021-03-05, 2021年3月5日 or 20210305</source>
        <translation>“{text}”不是日期，请写成 2021-03-05、2021年3月5日 或 20210305</translation>
    </message>
    <message>
        <source>The reporter gave no name</source>
        <translation>反映人未留姓名</translation>
    </message>
</context>
<context>
    <name>LeadForm</name>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show the reporter&apos;s full name and phone (recorded in the audit trail)</source>
        <translation>显示反映人的完整姓名和电话（将记入审计日志）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the changes (Ctrl+S)</source>
        <translation>保存修改（Ctrl+S）</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>撤销修改</translation>
    </message>
    <message>
        <source>Put the fields back as stored</source>
        <translation>恢复为已保存的内容</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Linked case</source>
        <translation>关联案件</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的修改</translation>
    </message>
    <message>
        <source>No lead selected</source>
        <translation>未选择线索</translation>
    </message>
    <message>
        <source>Select a lead to see its history.</source>
        <translation>选择一条线索以查看其历史。</translation>
    </message>
    <message>
        <source>Select a lead to see its linked case.</source>
        <translation>选择一条线索以查看关联案件。</translation>
    </message>
    <message>
        <source>Masked: the reporter&apos;s identity is hidden</source>
        <translation>已脱敏：不显示反映人身份</translation>
    </message>
    <message>
        <source>Read only: a {role} may not edit leads.</source>
        <translation>只读：{role}不能修改线索。</translation>
    </message>
    <message>
        <source>Entered by {user} on {date}</source>
        <translation>{user} 于 {date} 录入</translation>
    </message>
    <message>
        <source>last changed by {user} on {date}</source>
        <translation>{user} 于 {date} 最后修改</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Not saved: correct the {count} marked field(s).</source>
        <translation>未保存：请更正标红的 {count} 项。</translation>
    </message>
    <message>
        <source>No case is linked to this lead.</source>
        <translation>此线索未关联案件。</translation>
    </message>
    <message>
        <source>No case numbered {case_no} is in the store.</source>
        <translation>库中没有案号为 {case_no} 的案件。</translation>
    </message>
    <message>
        <source>Case No. {case_no} is also used by: {agencies}</source>
        <translation>案号 {case_no} 也用于以下办案单位的案件：{agencies}</translation>
    </message>
</context>
<context>
    <name>LeadHistory</name>
    <message>
        <source>Entered</source>
        <translation>录入线索</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>修改线索</translation>
    </message>
    <message>
        <source>Viewed the reporter&apos;s identity</source>
        <translation>查看反映人完整信息</translation>
    </message>
    <message>
        <source>Imported (batch {batch})</source>
        <translation>导入（第 {batch} 批）</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>空</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>LeadsExporter</name>
    <message>
        <source>Leads {date}.xlsx</source>
        <translation>线索 {date}.xlsx</translation>
    </message>
    <message>
        <source>Export leads to Excel</source>
        <translation>导出线索到 Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>An export is already running.</source>
        <translation>正在导出，请稍候。</translation>
    </message>
    <message>
        <source>Exporting {count} leads to {name}…</source>
        <translation>正在导出 {count} 条线索到 {name}…</translation>
    </message>
    <message>
        <source>Exported {count} leads to {path}</source>
        <translation>已导出 {count} 条线索到 {path}</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>已取消导出，未写入文件。</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
</context>
<context>
    <name>LeadsModel</name>
    <message>
        <source>Lead No.</source>
        <translation>线索编号</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>来源渠道</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>被反映人</translation>
    </message>
    <message>
        <source>Subject&apos;s unit</source>
        <translation>被反映人单位</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>问题类别</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>办理状态</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>主要问题</translation>
    </message>
    <message>
        <source>This column cannot be sorted</source>
        <translation>此列不能排序</translation>
    </message>
    <message>
        <source>Overdue by {days} days</source>
        <translation>已超期 {days} 天</translation>
    </message>
</context>
<context>
    <name>LeadsView</name>
    <message>
        <source>No leads match.</source>
        <translation>没有符合条件的线索</translation>
    </message>
    <message>
        <source>&amp;New lead…</source>
        <translation>新建线索(&amp;N)…</translation>
    </message>
    <message>
        <source>Quick entry of a phone lead (Ctrl+N)</source>
        <translation>快速录入来电线索（Ctrl+N）</translation>
    </message>
    <message>
        <source>&amp;Edit lead</source>
        <translation>编辑线索(&amp;E)</translation>
    </message>
    <message>
        <source>Assign &amp;handler unit…</source>
        <translation>分办承办单位(&amp;H)…</translation>
    </message>
    <message>
        <source>Change &amp;status…</source>
        <translation>更改办理状态(&amp;S)…</translation>
    </message>
    <message>
        <source>Set &amp;disposition…</source>
        <translation>设置处置方式(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Export list to Excel…</source>
        <translation>导出列表到 Excel(&amp;E)…</translation>
    </message>
    <message>
        <source>Export list with reporter identities…</source>
        <translation>导出列表（含反映人完整信息）…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <source>C&amp;lear filters</source>
        <translation>清除筛选(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Copy lead numbers</source>
        <translation>复制线索编号(&amp;C)</translation>
    </message>
    <message>
        <source>Red: overdue as of {date}, not concluded</source>
        <translation>红色：截至 {date} 超期未办结</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>修改未保存</translation>
    </message>
    <message>
        <source>Save the changes to lead {ref}?</source>
        <translation>是否保存对线索 {ref} 的修改？</translation>
    </message>
    <message>
        <source>No lead is open.</source>
        <translation>没有打开的线索。</translation>
    </message>
    <message>
        <source>Edit lead {ref}</source>
        <translation>修改线索 {ref}</translation>
    </message>
    <message>
        <source>Too many leads selected</source>
        <translation>选中的线索过多</translation>
    </message>
    <message>
        <source>A bulk change takes at most {limit} leads at a time. Narrow the list with the filters first.</source>
        <translation>批量修改一次最多 {limit} 条线索，请先用筛选条件缩小范围。</translation>
    </message>
    <message>
        <source>No lead was changed</source>
        <translation>未修改线索</translation>
    </message>
    <message>
        <source>{count} leads changed.</source>
        <translation>已修改 {count} 条线索。</translation>
    </message>
    <message>
        <source>Cannot undo or redo</source>
        <translation>无法撤销或重做</translation>
    </message>
    <message>
        <source>Lead {ref} saved.</source>
        <translation>线索 {ref} 已保存。</translation>
    </message>
    <message>
        <source>Cannot read the store</source>
        <translation>无法读取数据库</translation>
    </message>
</context>
<context>
    <name>LicenceTextDialog</name>
    <message>
        <source>Licence: {name}</source>
        <translation>许可证：{name}</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <source>Workstation locked</source>
        <translation>工作站已锁定</translation>
    </message>
    <message>
        <source>Locked after {n} minutes without use.</source>
        <translation>已连续 {n} 分钟无操作，工作站已锁定。</translation>
    </message>
    <message>
        <source>Locked.</source>
        <translation>已锁定。</translation>
    </message>
    <message>
        <source>Enter the password of {who} to continue; unsaved work is kept.</source>
        <translation>请输入 {who} 的密码以继续；未保存的内容不会丢失。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Sign in — Case Supervision Workstation</source>
        <translation>登录 — 案件监督工作站</translation>
    </message>
    <message>
        <source>Store: {name}</source>
        <translation>数据库：{name}</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>登录名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Enter your login.</source>
        <translation>请输入登录名。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Case Supervision Workstation</source>
        <translation>案件监督工作站</translation>
    </message>
    <message>
        <source>Store: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <source>Encrypted</source>
        <translation>已加密</translation>
    </message>
    <message>
        <source>Not encrypted</source>
        <translation>未加密</translation>
    </message>
    <message>
        <source>The store file is encrypted at rest.</source>
        <translation>数据库文件已加密存储。</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器数据库</translation>
    </message>
    <message>
        <source>A shared database server: it is backed up and protected by its DBA.</source>
        <translation>共享的服务器数据库：由数据库管理员负责备份和保护。</translation>
    </message>
    <message>
        <source>The store file is not encrypted: anyone with the file can read it.</source>
        <translation>数据库文件未加密：拿到文件的人都能读取。</translation>
    </message>
    <message>
        <source>User: {name} ({role})</source>
        <translation>用户：{name}（{role}）</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;About…</source>
        <translation>关于(&amp;A)…</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Leads</source>
        <translation>线索(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <source>Undo history</source>
        <translation>操作历史</translation>
    </message>
    <message>
        <source>&lt;opened&gt;</source>
        <translation>&lt;打开时&gt;</translation>
    </message>
    <message>
        <source>Undo &amp;history</source>
        <translation>操作历史(&amp;H)</translation>
    </message>
    <message>
        <source>{count} conflicts await a decision</source>
        <translation>{count} 处冲突待处理</translation>
    </message>
    <message>
        <source>{count} leads in store</source>
        <translation>库内线索 {count} 条</translation>
    </message>
    <message>
        <source>Updating the search index: {done} / {total} leads</source>
        <translation>正在更新检索索引：{done} / {total} 条线索</translation>
    </message>
    <message>
        <source>Search index updated ({count} leads)</source>
        <translation>检索索引已更新（{count} 条线索）</translation>
    </message>
    <message>
        <source>The search index was not updated: {message}</source>
        <translation>检索索引未能更新：{message}</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge two units</source>
        <translation>合并单位</translation>
    </message>
    <message>
        <source>Two spellings of one unit become one. Keep which name? Every lead, person, case and unit that names the other one will name the one kept, and the other is removed. The merge is recorded in the audit trail.</source>
        <translation>同一单位的两种写法合并为一个。保留哪个名称？写作另一名称的线索、人员、案件和下级单位都将改为保留的单位，另一单位随即删除。合并将记入审计日志。</translation>
    </message>
    <message>
        <source>{name}  ({type}; {leads} leads, {cases} cases)</source>
        <translation>{name}（{type}；线索 {leads} 件，案件 {cases} 件）</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Reload</source>
        <translation>重新载入</translation>
    </message>
    <message>
        <source>Show the lead as stored now, dropping your edits</source>
        <translation>显示库中现在的内容，放弃未保存的修改</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Anomaly review</source>
        <translation>异常审查</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Briefs</source>
        <translation>简报</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Data exchange</source>
        <translation>数据交换</translation>
    </message>
    <message>
        <source>This page comes in a later version.</source>
        <translation>此页面将在后续版本提供。</translation>
    </message>
    <message>
        <source>{page} (Ctrl+{number})</source>
        <translation>{page}（Ctrl+{number}）</translation>
    </message>
</context>
<context>
    <name>PagedTableModel</name>
    <message>
        <source>This column cannot be sorted</source>
        <translation>此列不能排序</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Reset the password of {login}</source>
        <translation>重设 {login} 的密码</translation>
    </message>
    <message>
        <source>Current password:</source>
        <translation>原密码：</translation>
    </message>
    <message>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>at least {n} characters</source>
        <translation>至少 {n} 位</translation>
    </message>
    <message>
        <source>Repeat new password:</source>
        <translation>再次输入新密码：</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>PeersModel</name>
    <message>
        <source>Machine</source>
        <translation>工作站</translation>
    </message>
    <message>
        <source>Store id</source>
        <translation>数据库标识</translation>
    </message>
    <message>
        <source>Last export to it</source>
        <translation>最近导出给它</translation>
    </message>
    <message>
        <source>Last import from it</source>
        <translation>最近从它导入</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>not known until a packet comes from it</source>
        <translation>收到它的交换包后才知道</translation>
    </message>
</context>
<context>
    <name>PhaseBand</name>
    <message>
        <source>Study and education</source>
        <translation>学习教育</translation>
    </message>
    <message>
        <source>Investigation and rectification</source>
        <translation>查纠整改</translation>
    </message>
    <message>
        <source>Summing up</source>
        <translation>总结提升</translation>
    </message>
    <message>
        <source>{phase}  {start} – {end}</source>
        <translation>{phase}  {start}至{end}</translation>
    </message>
    <message>
        <source>The campaign starts on {date}, in {days} days.</source>
        <translation>教育整顿将于{date}开始，还有 {days} 天。</translation>
    </message>
    <message>
        <source>The campaign ended on {date}; figures count to its last day.</source>
        <translation>教育整顿已于{date}结束，数据统计至结束当日。</translation>
    </message>
    <message>
        <source>{phase} phase: today is the campaign&apos;s last day.</source>
        <translation>当前处于{phase}环节，今天是教育整顿最后一天。</translation>
    </message>
    <message>
        <source>{phase} phase: its last day is today; {days} days left in the campaign.</source>
        <translation>当前处于{phase}环节，今天是本环节最后一天，教育整顿还剩 {days} 天。</translation>
    </message>
    <message>
        <source>{phase} phase: {phase_days} days left in this phase, {days} in the campaign.</source>
        <translation>当前处于{phase}环节：本环节还剩 {phase_days} 天，教育整顿还剩 {days} 天。</translation>
    </message>
</context>
<context>
    <name>PreviewModel</name>
    <message>
        <source>Ignore this column (kept as extra data)</source>
        <translation>忽略此列（作为附加数据保留）</translation>
    </message>
    <message>
        <source>Imports as</source>
        <translation>导入为</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <source>Preview and columns</source>
        <translation>预览与列对应</translation>
    </message>
    <message>
        <source>Check that each column imports as the right field; change it in the first row. Rows in red would be rejected: point at one to see why.</source>
        <translation>请检查每一列对应的字段是否正确，可在第一行中修改。红色的行将被拒绝，鼠标指向即可查看原因。</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>The row that holds the column titles</source>
        <translation>列标题所在的行</translation>
    </message>
    <message>
        <source>Use the detected mapping</source>
        <translation>改用自动识别的对应</translation>
    </message>
    <message>
        <source>Required columns the file lacks</source>
        <translation>文件缺少的必需列</translation>
    </message>
    <message>
        <source>Save mapping as profile…</source>
        <translation>保存为映射方案…</translation>
    </message>
    <message>
        <source>Header row:</source>
        <translation>表头所在行：</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>No header row was recognised in the first rows of the sheet. Set the header row above to the row that holds the column titles.</source>
        <translation>在工作表的前几行中未识别出表头。请在上方的“表头所在行”中指定列标题所在的行。</translation>
    </message>
    <message>
        <source>Sheet “{sheet}”</source>
        <translation>工作表“{sheet}”</translation>
    </message>
    <message>
        <source>CSV, {encoding}</source>
        <translation>CSV，{encoding}</translation>
    </message>
    <message>
        <source>header on row {rows}</source>
        <translation>表头在第 {rows} 行</translation>
    </message>
    <message>
        <source>{n} columns, {ignored} kept as extra data</source>
        <translation>共 {n} 列，其中 {ignored} 列作为附加数据</translation>
    </message>
    <message>
        <source>{n} columns</source>
        <translation>共 {n} 列</translation>
    </message>
    <message>
        <source>importing as {kind}</source>
        <translation>按{kind}导入</translation>
    </message>
    <message>
        <source>Based on the saved mapping “{name}”, with your changes.</source>
        <translation>基于映射方案“{name}”，并有您的修改。</translation>
    </message>
    <message>
        <source>The saved mapping “{name}” was applied automatically: files with these headers were mapped this way before (saved by {who} on {date}).</source>
        <translation>已自动套用映射方案“{name}”：表头相同的文件此前就是这样对应的（{who} 于 {date} 保存）。</translation>
    </message>
    <message>
        <source>the same value for every row</source>
        <translation>所有行填写同一值</translation>
    </message>
    <message>
        <source>Save mapping as profile</source>
        <translation>保存为映射方案</translation>
    </message>
    <message>
        <source>Name of the mapping (files with the same headers will be read this way):</source>
        <translation>映射方案名称（表头相同的文件今后将按此方案读取）：</translation>
    </message>
    <message>
        <source>Saved as “{name}”: files with the same headers will be mapped this way.</source>
        <translation>已保存为“{name}”：表头相同的文件今后将按此对应。</translation>
    </message>
</context>
<context>
    <name>ProfilesDialog</name>
    <message>
        <source>Mapping profiles</source>
        <translation>映射方案</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>A profile is saved from the import wizard&apos;s preview. It is applied by itself to any file whose header row is the same.</source>
        <translation>映射方案在导入向导的预览页中保存；表头相同的文件会自动套用。</translation>
    </message>
    <message>
        <source>Profile “{name}” deleted.</source>
        <translation>已删除映射方案“{name}”。</translation>
    </message>
</context>
<context>
    <name>ProfilesModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>表头</translation>
    </message>
    <message>
        <source>Saved by</source>
        <translation>保存人</translation>
    </message>
    <message>
        <source>Saved at</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
</context>
<context>
    <name>QuickEntryDialog</name>
    <message>
        <source>Phone lead: quick entry</source>
        <translation>来电线索快速录入</translation>
    </message>
    <message>
        <source>(judge from the summary)</source>
        <translation>（按主要问题自动判断）</translation>
    </message>
    <message>
        <source>What the caller reports</source>
        <translation>来电人反映的主要问题</translation>
    </message>
    <message>
        <source>e.g. 13812345678</source>
        <translation>如 13812345678</translation>
    </message>
    <message>
        <source>Enter saves the lead and starts the next one · Esc closes</source>
        <translation>按 Enter 保存并开始录入下一条 · 按 Esc 关闭</translation>
    </message>
    <message>
        <source>Save and next</source>
        <translation>保存并录入下一条</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Saved {ref} (category from the summary: {category})</source>
        <translation>已保存 {ref}（问题类别按主要问题判断为：{category}）</translation>
    </message>
    <message>
        <source>Saved {ref}</source>
        <translation>已保存 {ref}</translation>
    </message>
    <message>
        <source>Not saved: correct the marked fields.</source>
        <translation>未保存：请更正标红的项。</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Required: why, in a sentence</source>
        <translation>必填：用一句话说明理由</translation>
    </message>
    <message>
        <source>Optional: why, in a sentence</source>
        <translation>选填：用一句话说明理由</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>异常类型</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Please give a reason: it is kept with the decision.</source>
        <translation>请填写理由：理由将随决定一并记录。</translation>
    </message>
</context>
<context>
    <name>RejectsModel</name>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>RejectsSaver</name>
    <message>
        <source>Writing the rejected rows…</source>
        <translation>正在写入被拒绝的行…</translation>
    </message>
    <message>
        <source>{n} rejected rows saved to {path}</source>
        <translation>已将 {n} 行被拒绝的行保存到 {path}</translation>
    </message>
</context>
<context>
    <name>ReviewQueue</name>
    <message>
        <source>C confirm · D dismiss · R reopen · J next · K previous</source>
        <translation>C 认定 · D 排除 · R 重新打开 · J 下一条 · K 上一条</translation>
    </message>
    <message>
        <source>J next · K previous</source>
        <translation>J 下一条 · K 上一条</translation>
    </message>
    <message>
        <source>Read only: confirming and dismissing anomalies needs an inspector&apos;s role.</source>
        <translation>只读：认定、排除案件异常需要核查人员角色。</translation>
    </message>
    <message>
        <source>Anomaly review</source>
        <translation>异常审查</translation>
    </message>
    <message>
        <source>Any anomaly kind</source>
        <translation>全部异常类型</translation>
    </message>
    <message>
        <source>Awaiting review</source>
        <translation>待审查（疑似）</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Scan all cases…</source>
        <translation>扫描全部案件…</translation>
    </message>
    <message>
        <source>Run every rule over every case and list what it finds (F9)</source>
        <translation>用全部规则检查每一件案件，列出发现的疑似异常（F9）</translation>
    </message>
    <message>
        <source>All agencies</source>
        <translation>全部办案单位</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一条</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一条</translation>
    </message>
    <message>
        <source>Confirm…</source>
        <translation>认定…</translation>
    </message>
    <message>
        <source>Dismiss…</source>
        <translation>排除…</translation>
    </message>
    <message>
        <source>Reopen…</source>
        <translation>重新打开…</translation>
    </message>
    <message>
        <source>Scanning every case for anomalies…</source>
        <translation>正在逐件扫描案件异常…</translation>
    </message>
    <message>
        <source>Scan as of {date}: {cases} cases, {new} new suspected, {closed} closed automatically, {reopened} suspected again</source>
        <translation>截至 {date} 扫描 {cases} 件案件：{new} 条新疑似，{closed} 条自动关闭，{reopened} 条重新列为疑似</translation>
    </message>
    <message>
        <source>Scan cancelled: nothing was changed.</source>
        <translation>已取消扫描，未作任何更改。</translation>
    </message>
    <message>
        <source>{count} left</source>
        <translation>剩余 {count} 条</translation>
    </message>
    <message>
        <source>{count} listed</source>
        <translation>列出 {count} 条</translation>
    </message>
    <message>
        <source>Nothing awaits review under these filters.</source>
        <translation>此筛选条件下没有待审查的异常。</translation>
    </message>
    <message>
        <source>The queue is clear: no suspected anomalies await review.</source>
        <translation>队列已清空：没有待审查的疑似异常。</translation>
    </message>
    <message>
        <source>No anomalies match the filters.</source>
        <translation>没有符合筛选条件的异常。</translation>
    </message>
    <message>
        <source>Confirm anomaly</source>
        <translation>认定异常</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>认定</translation>
    </message>
    <message>
        <source>Dismiss anomaly</source>
        <translation>排除异常</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>排除</translation>
    </message>
    <message>
        <source>Reopen anomaly</source>
        <translation>重新打开异常</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>#{id} {kind} in case {case_no} ({agency}): {explanation}</source>
        <translation>异常 #{id}（{kind}），案件 {case_no}（{agency}）：{explanation}</translation>
    </message>
    <message>
        <source>Cannot read the store</source>
        <translation>无法读取数据库</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <source>Role of {login}</source>
        <translation>{login} 的角色</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
</context>
<context>
    <name>RunPage</name>
    <message>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <source>Importing “{name}”…</source>
        <translation>正在导入“{name}”…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>The import was cancelled.</source>
        <translation>导入已取消。</translation>
    </message>
    <message>
        <source>Nothing was written: the store is as it was. Go back to import again.</source>
        <translation>未写入任何内容，数据库保持原样。可返回上一步重新导入。</translation>
    </message>
    <message>
        <source>The import failed; nothing was written.</source>
        <translation>导入失败，未写入任何内容。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Only an administrator can change these settings; they are shown here.</source>
        <translation>只有管理员可以修改这些设置，此处仅供查看。</translation>
    </message>
    <message>
        <source>Campaign and briefs</source>
        <translation>教育整顿与简报</translation>
    </message>
    <message>
        <source>Rules and deadlines</source>
        <translation>规则与期限</translation>
    </message>
    <message>
        <source>This workstation</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Users and audit</source>
        <translation>用户与审计</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Back to the settings as saved</source>
        <translation>恢复为已保存的设置</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>教育整顿</translation>
    </message>
    <message>
        <source>The study and education phase runs from the first day to the day before investigation and rectification begins; summing up runs to the last day.</source>
        <translation>学习教育环节自开始日期起，至查纠整改环节开始前一日止；总结提升环节至结束日期止。</translation>
    </message>
    <message>
        <source>First day</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>Investigation and rectification from</source>
        <translation>查纠整改环节开始</translation>
    </message>
    <message>
        <source>Summing up from</source>
        <translation>总结提升环节开始</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <source>Briefs</source>
        <translation>简报</translation>
    </message>
    <message>
        <source>Issuing unit</source>
        <translation>印发单位</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>简报名称</translation>
    </message>
    <message>
        <source>Sent to (one a line)</source>
        <translation>报送（每行一个）</translation>
    </message>
    <message>
        <source>Copied to (one a line)</source>
        <translation>抄送（每行一个）</translation>
    </message>
    <message>
        <source>Copies printed</source>
        <translation>印数</translation>
    </message>
    <message>
        <source> copies</source>
        <translation> 份</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>Days to handle a lead</source>
        <translation>线索办理期限</translation>
    </message>
    <message>
        <source>Case anomaly rules</source>
        <translation>案件异常规则</translation>
    </message>
    <message>
        <source>Changed thresholds apply from the next scan of the cases.</source>
        <translation>修改后的阈值自下次案件扫描起生效。</translation>
    </message>
    <message>
        <source>NF-1: days from acceptance to a filing decision</source>
        <translation>NF-1：受案后作出立案决定的期限</translation>
    </message>
    <message>
        <source>NF-1: the same for major or complex cases</source>
        <translation>NF-1：重大复杂案件的期限</translation>
    </message>
    <message>
        <source>SP-1: days without any case activity</source>
        <translation>SP-1：无办案活动的期限</translation>
    </message>
    <message>
        <source>SP-2: days from filing without closing</source>
        <translation>SP-2：立案后久拖未结的期限</translation>
    </message>
    <message>
        <source>Watch list</source>
        <translation>重点关注</translation>
    </message>
    <message>
        <source>A person is on the watch list when named in so many leads within so many days, in leads of so many categories, or as the officer of cases with so many confirmed anomalies.</source>
        <translation>被反映人在规定天数内被反映达到规定件数，或被反映的问题类别达到规定数，或作为承办人的案件已认定异常达到规定数，即列入重点关注。</translation>
    </message>
    <message>
        <source>Leads about one person</source>
        <translation>同一人被反映件数</translation>
    </message>
    <message>
        <source> leads</source>
        <translation> 件</translation>
    </message>
    <message>
        <source>…within</source>
        <translation>…统计天数</translation>
    </message>
    <message>
        <source>Categories of problems</source>
        <translation>问题类别数</translation>
    </message>
    <message>
        <source> categories</source>
        <translation> 类</translation>
    </message>
    <message>
        <source>Confirmed anomalies of an officer</source>
        <translation>承办案件已认定异常数</translation>
    </message>
    <message>
        <source> cases</source>
        <translation> 件</translation>
    </message>
    <message>
        <source>Safety</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>Lock after minutes without input (0: never)</source>
        <translation>无操作自动锁定（0 为不锁定）</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Backups kept</source>
        <translation>保留备份份数</translation>
    </message>
    <message>
        <source> backups</source>
        <translation> 份</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>The language of this computer&apos;s screens; it applies at the next start.</source>
        <translation>本机界面使用的语言，下次启动时生效。</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <source>Nothing was saved: see the fields marked.</source>
        <translation>未保存：请查看标出的项目。</translation>
    </message>
    <message>
        <source>Saved: the new language applies when the workstation starts again.</source>
        <translation>已保存：新的界面语言在下次启动工作站时生效。</translation>
    </message>
</context>
<context>
    <name>SheetPage</name>
    <message>
        <source>Choose the sheet and what it holds</source>
        <translation>选择工作表和内容类型</translation>
    </message>
    <message>
        <source>Hidden sheets are listed too; the first visible sheet with a header is chosen.</source>
        <translation>隐藏的工作表也会列出；默认选择第一个有表头的可见工作表。</translation>
    </message>
    <message>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <source>Leads (问题线索)</source>
        <translation>问题线索</translation>
    </message>
    <message>
        <source>Cases (案件台账)</source>
        <translation>案件台账</translation>
    </message>
    <message>
        <source>The sheet holds:</source>
        <translation>内容是：</translation>
    </message>
    <message>
        <source> (hidden)</source>
        <translation>（隐藏）</translation>
    </message>
    <message>
        <source>Its header did not tell whether it holds leads or cases: choose.</source>
        <translation>无法从表头判断内容是线索还是案件，请选择。</translation>
    </message>
    <message>
        <source>From its header, it seems to hold {kind}.</source>
        <translation>从表头看，内容应是{kind}。</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Creating the store and its demonstration data (first run)…</source>
        <translation>首次运行：正在创建数据库并生成演示数据…</translation>
    </message>
    <message>
        <source>The store could not be opened.</source>
        <translation>无法打开数据库。</translation>
    </message>
    <message>
        <source>{path} (encrypted)</source>
        <translation>{path}（已加密）</translation>
    </message>
    <message>
        <source>Store damaged</source>
        <translation>数据库已损坏</translation>
    </message>
    <message>
        <source>Restore it now? The damaged store is kept beside it as a copy. Restoring needs an administrator of the backup.</source>
        <translation>现在恢复吗？损坏的数据库会另存一份副本，不会丢弃。恢复需要备份中的管理员账户。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Restore from {name}</source>
        <translation>从备份 {name} 恢复</translation>
    </message>
    <message>
        <source>Creating the demonstration data failed.</source>
        <translation>生成演示数据失败。</translation>
    </message>
    <message>
        <source>Not signed in.</source>
        <translation>未登录。</translation>
    </message>
    <message>
        <source>Today&apos;s backup was made: {name}</source>
        <translation>已完成今日备份：{name}</translation>
    </message>
    <message>
        <source>Today&apos;s backup failed: {message}</source>
        <translation>今日备份失败：{message}</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation>立即锁定(&amp;L)</translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation>修改我的密码(&amp;P)…</translation>
    </message>
    <message>
        <source>Create an &amp;administrator…</source>
        <translation>创建管理员(&amp;A)…</translation>
    </message>
    <message>
        <source>Cannot open the store</source>
        <translation>无法打开数据库</translation>
    </message>
</context>
<context>
    <name>StartupSplash</name>
    <message>
        <source>Case Supervision Workstation</source>
        <translation>案件监督工作站</translation>
    </message>
    <message>
        <source>Opening the store…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>Checking the store…</source>
        <translation>正在检查数据库…</translation>
    </message>
    <message>
        <source>Backing up the store…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Upgrading the store&apos;s structure…</source>
        <translation>正在升级数据库结构…</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>duplicates, skipped</source>
        <translation>行重复，未导入</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>行被拒绝</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Undo this import</source>
        <translation>撤销本次导入</translation>
    </message>
    <message>
        <source>Save rejected rows as Excel…</source>
        <translation>将被拒绝的行另存为 Excel…</translation>
    </message>
    <message>
        <source>“{file}” was imported as batch {batch}.</source>
        <translation>“{file}”已导入，批次 {batch}。</translation>
    </message>
    <message>
        <source>Remove the {n} records imported as batch {batch}? Records created by this import and not used since (units, persons) are removed too.</source>
        <translation>删除批次 {batch} 导入的 {n} 条记录？本次导入新建、之后未被使用的单位和人员也将一并删除。</translation>
    </message>
    <message>
        <source>Undo the import</source>
        <translation>撤销导入</translation>
    </message>
    <message>
        <source>Batch {batch} was undone: {n} records removed.</source>
        <translation>批次 {batch} 已撤销：删除 {n} 条记录。</translation>
    </message>
</context>
<context>
    <name>UnitsModel</name>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Parent unit</source>
        <translation>上级单位</translation>
    </message>
    <message>
        <source>Leads about it</source>
        <translation>被反映线索</translation>
    </message>
    <message>
        <source>Leads it handles</source>
        <translation>承办线索</translation>
    </message>
    <message>
        <source>Persons</source>
        <translation>人员</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
</context>
<context>
    <name>UnitsTab</name>
    <message>
        <source>Find a unit (any spelling)</source>
        <translation>查找单位（任意写法）</translation>
    </message>
    <message>
        <source>Merge…</source>
        <translation>合并…</translation>
    </message>
    <message>
        <source>Select the two spellings of one unit, then merge</source>
        <translation>选中同一单位的两种写法后合并</translation>
    </message>
    <message>
        <source>Select two units that are one (two spellings of a name) to merge them.</source>
        <translation>选中实为同一单位的两个单位（名称的两种写法），即可合并。</translation>
    </message>
    <message>
        <source>{count} units</source>
        <translation>共 {count} 个单位</translation>
    </message>
    <message>
        <source>“{merged}” merged into “{kept}”: {leads} leads, {persons} persons and {cases} cases now name it.</source>
        <translation>已将“{merged}”并入“{kept}”：{leads} 件线索、{persons} 名人员、{cases} 件案件改为该单位。</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Locked until {time}</source>
        <translation>已锁定至 {time}</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>可用</translation>
    </message>
</context>
<context>
    <name>UsersView</name>
    <message>
        <source>Add user…</source>
        <translation>添加用户…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>更改角色…</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重设密码…</translation>
    </message>
    <message>
        <source>User accounts</source>
        <translation>用户账户</translation>
    </message>
    <message>
        <source>Verify the audit trail</source>
        <translation>校验审计日志</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Only administrators manage user accounts.</source>
        <translation>用户账户仅由管理员管理。</translation>
    </message>
    <message>
        <source>User {login} added.</source>
        <translation>已添加用户 {login}。</translation>
    </message>
    <message>
        <source>User {login} disabled: they can no longer sign in.</source>
        <translation>已停用用户 {login}：该用户不能再登录。</translation>
    </message>
    <message>
        <source>User {login} enabled.</source>
        <translation>已启用用户 {login}。</translation>
    </message>
    <message>
        <source>{login} is now {role}.</source>
        <translation>{login} 的角色已改为{role}。</translation>
    </message>
    <message>
        <source>The password of {login} was changed.</source>
        <translation>已修改 {login} 的密码。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <source>First broken link: event #{id}. {message}</source>
        <translation>第一处断链：第 {id} 条。{message}</translation>
    </message>
</context>
<context>
    <name>WizardPage</name>
    <message>
        <source>leads</source>
        <translation>线索</translation>
    </message>
    <message>
        <source>cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>no header found</source>
        <translation>未识别出表头</translation>
    </message>
</context>
</TS>
