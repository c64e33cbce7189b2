"""dbt transformation: staging -> intermediate -> marts, and the working-day calendar it joins on."""
