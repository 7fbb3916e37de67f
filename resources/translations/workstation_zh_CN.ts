<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CrashDialog</name>
    <message>
        <source>Case Supervision Workstation</source>
        <translation>案件监督工作站</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>程序错误</translation>
    </message>
    <message>
        <source>The workstation hit an unexpected error.</source>
        <translation>工作站遇到了一个意外错误。</translation>
    </message>
    <message>
        <source>Your data is safe: unfinished changes were not saved. Please send the details below to the administrator. You can keep working or quit.</source>
        <translation>数据是安全的：未完成的修改没有写入。请将下面的详细信息发给管理员。可以继续使用，也可以退出。</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>继续使用</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
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
    <name>MainWindow</name>
    <message>
        <source>Case Supervision Workstation</source>
        <translation>案件监督工作站</translation>
    </message>
    <message>
        <source>No leads match.</source>
        <translation>没有符合条件的线索</translation>
    </message>
    <message>
        <source>Search lead no., subject, unit, case no. or summary  (Ctrl+F)</source>
        <translation>搜索线索编号、被反映人、单位、案号或问题内容（Ctrl+F）</translation>
    </message>
    <message>
        <source>Leads</source>
        <translation>问题线索</translation>
    </message>
    <message>
        <source>Store: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <source>User: {name} ({role})</source>
        <translation>用户：{name}（{role}）</translation>
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
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
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
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Red: overdue as of {date}, not concluded</source>
        <translation>红色：截至 {date} 超期未办结</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Case Supervision Workstation {version}</source>
        <translation>案件监督工作站 {version}</translation>
    </message>
    <message>
        <source>Total {count}</source>
        <translation>共 {count} 条</translation>
    </message>
    <message>
        <source>{count} leads in store</source>
        <translation>库内线索 {count} 条</translation>
    </message>
    <message>
        <source>Cannot read the store</source>
        <translation>无法读取数据库</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Creating the store and its demonstration data (first run)…</source>
        <translation>首次运行：正在创建数据库并生成演示数据…</translation>
    </message>
    <message>
        <source>Creating the demonstration data failed.</source>
        <translation>生成演示数据失败。</translation>
    </message>
    <message>
        <source>Case Supervision Workstation</source>
        <translation>案件监督工作站</translation>
    </message>
    <message>
        <source>Password for {login}:</source>
        <translation>用户 {login} 的密码：</translation>
    </message>
    <message>
        <source>Cannot open the store</source>
        <translation>无法打开数据库</translation>
    </message>
</context>
</TS>
