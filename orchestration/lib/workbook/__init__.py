"""Tools for received workbooks that more than one stage needs: reading a file into sheets (or a
reason it cannot be read), the checks on its bytes that run first, the archive of what units sent,
and how a place in a workbook is named in messages. Intake, feedback and the quality rules all use
them, so they live here rather than inside one stage."""
