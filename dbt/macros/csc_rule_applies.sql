{#- false for a rule the extract's source cannot be checked against (var not_applicable_rules, from the
    source descriptor; dagster_project/quality/applicability.py): its rows are neither excluded nor flagged. -#}
{% macro csc_rule_applies(rule_id, run_context=none) -%}
    {{ 'false' if rule_id in csc_run_var('not_applicable_rules', run_context) else 'true' }}
{%- endmacro %}
